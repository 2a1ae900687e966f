"""Skill policies (SkillCall -> primitive actions) and the hierarchical Agent."""
