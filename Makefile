# Reproducible artefacts. Run inside the venv of the README's test command.

.PHONY: test default-policy

test:
	python -m pytest -q

# The packaged learned skill policy (errands/policies/data/household-skills): expert
# demonstrations on seen scenes, behaviour cloning, two DAgger rounds. About 20 minutes
# on 2 CPU cores; the same seeds give the same weights.
default-policy:
	errands collect --episodes 3000 --workers 2 --out runs/default-policy/demos
	errands train dagger --data runs/default-policy/demos --out runs/default-policy/dagger --epochs 12 \
		--dagger-rounds 2 --dagger-episodes 500 --dagger-epochs 5 --workers 2
	mkdir -p errands/policies/data/household-skills
	cp runs/default-policy/dagger/model.safetensors runs/default-policy/dagger/config.json \
		errands/policies/data/household-skills/
