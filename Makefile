# Reproducible artefacts. Run inside the venv of the README's test command.

.PHONY: test default-policy visuomotor-policy

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
# demonstrations that follow the goal's skills by object type, BC, two DAgger rounds through
# the camera, on 2 CPU cores (benchmarks/imitation.py --camera 64 runs the same and measures it).
visuomotor-policy:
	errands collect --episodes 2000 --split seen --seed 0 --camera 64 --frames --planner goal-skills --workers 2 \
		--out runs/visuomotor-policy/demos
	errands train bc --network visuomotor --data runs/visuomotor-policy/demos --out runs/visuomotor-policy/bc \
		--epochs 6 --batch-size 32 --lr 0.001 --hidden 128 --channels 16 --seed 0
	errands train dagger --network visuomotor --data runs/visuomotor-policy/demos --init runs/visuomotor-policy/bc \
		--out runs/visuomotor-policy/dagger --dagger-rounds 2 --dagger-episodes 200 --dagger-epochs 1 \
		--dagger-planner goal-skills --dagger-camera 64 --batch-size 32 --lr 0.001 --seed 0 --workers 2
	mkdir -p errands/policies/data/household-visuomotor
	cp runs/visuomotor-policy/dagger/model.safetensors runs/visuomotor-policy/dagger/config.json \
		errands/policies/data/household-visuomotor/
