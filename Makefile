# Reproducible artefacts. Run inside the venv of the README's test command.

.PHONY: test default-policy visuomotor-policy perception

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

# The packaged visuomotor skill policy (errands/policies/data/household-visuomotor): camera
# demonstrations that follow the goal's skills by object type, recorded by the expert that
# looks round for GotoLocation's target before walking to it (--search); BC with the
# destination map's auxiliary loss and the previous action's success alone; one DAgger round
# through the camera labelled by the same expert, on 2 CPU cores (a second round measured worse
# on valid_unseen, so the recipe stops at one).
visuomotor-policy:
	errands collect --episodes 1000 --split seen --seed 0 --camera 64 --frames --planner goal-skills --search \
		--vector 16 --workers 2 --out runs/visuomotor-policy/demos
	errands train bc --network visuomotor --data runs/visuomotor-policy/demos --out runs/visuomotor-policy/bc \
		--epochs 10 --batch-size 32 --lr 0.002 --hidden 128 --channels 16 --previous success --view-weight 1 --seed 0
	errands train dagger --network visuomotor --data runs/visuomotor-policy/demos --init runs/visuomotor-policy/bc \
		--out runs/visuomotor-policy/dagger --dagger-rounds 1 --dagger-episodes 200 --dagger-epochs 3 \
		--dagger-planner goal-skills --dagger-camera 64 --dagger-search --dagger-vector 16 --batch-size 32 --lr 0.002 \
		--previous success --view-weight 1 --seed 0 --workers 2
	mkdir -p errands/policies/data/household-visuomotor
	cp runs/visuomotor-policy/dagger/model.safetensors runs/visuomotor-policy/dagger/config.json \
		errands/policies/data/household-visuomotor/

# The packaged perception network (errands/policies/data/household-perception): RGB and the
# camera's horizon -> each pixel's object type (or the floor, or the rest of the room) and
# depth, for modular camera policies. Frames of 500 seen-split episodes played by the expert
# that looks round (with random looks about; about a minute), 8 epochs on two CPU threads
# (about 30 minutes); the frames stay in runs/perception/frames.
perception:
	errands train perception --episodes 500 --frames runs/perception/frames --out runs/perception/model \
		--epochs 8 --threads 2 --seed 0
	mkdir -p errands/policies/data/household-perception
	cp runs/perception/model/model.safetensors runs/perception/model/config.json \
		errands/policies/data/household-perception/
