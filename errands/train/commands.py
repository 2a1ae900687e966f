"""`errands collect`, `errands train bc|dagger|rl` and `errands export lerobot|minari`."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ..envs import CAMERA_FLAG_HELP

TRAIN_EPILOG = """examples:
  errands collect --episodes 2000 --workers 2 --out data/demos
  errands collect --level GoToLocal --episodes 10000 --out data/gotolocal     # BabyAI bot demonstrations
  errands train bc --data data/demos --out runs/train/bc
  errands train dagger --data data/demos --out runs/train/dagger --dagger-rounds 3
  errands train bc --config train.json --device cuda --amp
  torchrun --standalone --nproc-per-node 2 -m errands.cli train bc --data data/demos --out runs/train/ddp
  errands run --policy runs/train/bc "put a washed apple in the fridge"

A config file is a JSON object with any of the keys of errands.train.imitation_config.TrainConfig
(datasets, out, epochs, batch_size, lr, hidden, seed, device, amp, dagger_rounds, ...);
flags override it. Rerunning the same command resumes from OUT/checkpoints/last.
"""


def add_train_commands(sub) -> None:
    from .collect import CollectConfig

    collecting = CollectConfig()
    col = sub.add_parser(
        "collect", help="record expert demonstrations (Parquet shards + manifest)",
        description="Play sampled tasks with the oracle planner and the scripted expert and record every skill "
                    "step (the skill as text, the observation features, the action) as Parquet shards with a "
                    "manifest of counts and SHA-256 checksums. Episode i's task comes from seed [SEED, i], so "
                    "the data does not depend on --workers; rerunning resumes with the missing shards. With --level, "
                    "the BabyAI bot's episodes on that BabyAI level are recorded instead, in the same format.")
    col.add_argument("--episodes", type=int, default=collecting.episodes,
                     help=f"episodes to record (default {collecting.episodes})")
    col.add_argument("--split", default=collecting.split, choices=["seen", "unseen", "any"],
                     help=f"scenes to draw tasks from (default {collecting.split}; keep unseen for evaluation)")
    col.add_argument("--layouts", help="ALFRED's gen/layouts folder: draw the tasks in its real floor plans of the "
                                       "split (default: the split's procedural scenes)")
    col.add_argument("--camera", type=int, metavar="RES",
                     help=f"{CAMERA_FLAG_HELP}; the expert walks to where the frame shows its targets")
    col.add_argument("--frames", action="store_true",
                     help="keep each step's camera image in the data (needs --camera; about RES*RES*3 bytes a "
                          "step before compression), for `errands export` videos and image policies")
    col.add_argument("--seed", type=int, default=collecting.seed,
                     help=f"seed of the task draws (default {collecting.seed})")
    col.add_argument("--workers", type=int, default=collecting.workers,
                     help=f"worker processes (default {collecting.workers})")
    col.add_argument("--vector", type=int, default=collecting.vector, metavar="N",
                     help="each worker plays N episodes at once over one batch of N worlds "
                          "(errands/HouseholdVector-v0), the expert labelling each world's steps; the same data as "
                          "without it (default 0: one episode at a time)")
    col.add_argument("--planner", default=collecting.planner, choices=["oracle", "goal-skills"],
                     help="who writes the plans: 'oracle' (the symbolic search over the world) or 'goal-skills' "
                          "(the task's goal's skills by object type, as a planner that reads the instruction alone "
                          f"writes them) (default {collecting.planner})")
    col.add_argument("--search", action="store_true",
                     help="the expert (acting or labelling) walks to GotoLocation's target only once the camera "
                          "shows it, looking round for it first: the teacher of camera policies (needs --camera)")
    col.add_argument("--shard-size", type=int, default=collecting.shard_size,
                     help=f"episodes per Parquet shard (default {collecting.shard_size})")
    col.add_argument("--actor", default=collecting.actor,
                     help=f"who acts: 'expert' (demonstrations) or a checkpoint folder, whose visited states the "
                          f"expert labels (DAgger data) (default {collecting.actor})")
    col.add_argument("--level", metavar="LEVEL",
                     help="record minigrid's BabyAI bot on this BabyAI level instead of household tasks, e.g. "
                          "GoToLocal or BossLevel (one segment per episode, the mission as its text; episode i "
                          "plays env seed SEED*10^7+i; needs pip install 'errands[babyai]'); --split and --actor "
                          "do not apply")
    col.add_argument("--out", type=Path, required=True, help="dataset folder")
    col.add_argument("--overwrite", action="store_true", help="delete the folder's data and start again")
    col.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    col.set_defaults(handler=cmd_collect)
    add_export_command(sub)

    from .imitation_config import TrainConfig

    d = TrainConfig()  # the defaults the help shows are the config's own
    tr = sub.add_parser("train", help="train a learned skill policy (bc, dagger, rl)")
    algos = tr.add_subparsers(dest="algorithm", metavar="ALGORITHM", required=True)
    for name, text in (("bc", "behaviour cloning on demonstration datasets"),
                       ("dagger", "behaviour cloning, then rounds in which the learner acts and the expert "
                                  "labels the states it reaches")):
        p = algos.add_parser(name, help=text, description=f"Train the language-conditioned skill network by "
                             f"{text}. Writes OUT/model.safetensors and OUT/config.json (give OUT to --policy), "
                             "OUT/checkpoints/last (to resume) and OUT/tensorboard.",
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog=TRAIN_EPILOG)
        p.add_argument("--config", type=Path, help="JSON config file (flags override it)")
        p.add_argument("--data", nargs="+", dest="datasets", help="dataset folders from `errands collect`")
        p.add_argument("--out", help=f"run folder (default {d.out})")
        p.add_argument("--epochs", type=int, help=f"passes over the data (default {d.epochs})")
        p.add_argument("--batch-size", type=int, help=f"skill segments per batch (default {d.batch_size})")
        p.add_argument("--lr", type=float, help=f"Adam learning rate (default {d.lr:g})")
        p.add_argument("--network", choices=["symbolic", "visuomotor"],
                       help=f"'symbolic' (the grid and the goal sensors) or 'visuomotor' (the camera frame and the "
                            f"skill's words, targets by pixel; data from --camera RES --frames) (default {d.network})")
        p.add_argument("--hidden", type=int, help=f"width of the network (default {d.hidden})")
        p.add_argument("--channels", type=int, help=f"the visuomotor network's CNN width (default {d.channels})")
        p.add_argument("--previous", choices=["action", "success"],
                       help=f"what the visuomotor network is given of its previous action: the action and its "
                            f"success, or the success alone (default {d.previous})")
        p.add_argument("--view-weight", type=float,
                       help=f"the visuomotor network also learns, with this weight, whether and where the frame shows "
                            f"GotoLocation's destination (labels of data collected with this errands; default "
                            f"{d.view_weight:g}: not)")
        p.add_argument("--seed", type=int, help=f"seed: the same seed and data give the same weights (default {d.seed})")
        p.add_argument("--device", help=f"cpu, cuda or cuda:N (default {d.device})")
        p.add_argument("--amp", action="store_true", default=None, help="bfloat16 mixed precision (CUDA only)")
        p.add_argument("--init", type=Path, help="start from this checkpoint's weights")
        p.add_argument("--no-progress", action="store_true", help="hide progress bars")
        if name == "dagger":
            p.add_argument("--dagger-rounds", type=int, help=f"rounds of learner rollouts (default {d.dagger_rounds})")
            p.add_argument("--dagger-episodes", type=int, help=f"episodes the learner plays per round (default {d.dagger_episodes})")
            p.add_argument("--dagger-epochs", type=int, help=f"training epochs after each round (default {d.dagger_epochs})")
            p.add_argument("--workers", type=int, help=f"worker processes for the rollouts (default {d.workers})")
            p.add_argument("--dagger-layouts", help="ALFRED's gen/layouts folder: the learner's rounds play its real "
                                                    "floor plans (default: procedural scenes)")
            p.add_argument("--dagger-vector", type=int, metavar="N",
                           help="each rollout worker plays N of the learner's episodes at once over one batch of "
                                "N worlds (see errands collect --vector; the same data; default 0: one at a time)")
            p.add_argument("--dagger-planner", choices=["oracle", "goal-skills"],
                           help=f"who writes the plans the learner follows (see errands collect --planner; default "
                                f"{d.dagger_planner})")
            p.add_argument("--dagger-search", action="store_true", default=None,
                           help="the expert labelling the rounds looks round for GotoLocation's target before walking "
                                "to it (see errands collect --search)")
            p.add_argument("--dagger-camera", type=int, metavar="RES",
                           help="the learner's rounds see through the agent's RES x RES camera (see errands collect "
                                "--camera; default: the geometric rule)")
        p.set_defaults(handler=cmd_train)
    add_rl_command(algos)
    add_perception_command(algos)


EXPORT_EPILOG = """examples:
  errands collect --episodes 500 --camera 64 --frames --out data/demos-rgb
  errands export lerobot data/demos-rgb exports/household-lerobot
  errands export minari data/demos errands/household-seen-v0
  errands collect --level GoToLocal --episodes 1000 --out data/gotolocal
  errands export minari data/gotolocal errands/babyai-gotolocal-v0 --root exports/minari

Loading them:
  from lerobot.datasets.lerobot_dataset import LeRobotDataset
  dataset = LeRobotDataset("errands/household", root="exports/household-lerobot")
  import minari; dataset = minari.load_dataset("errands/household-seen-v0")

Only demonstrations export (data collected with --actor expert): a DAgger dataset's labels
are the expert's, not the actions taken. Data collected before dataset version 2 lacks the
instructions: collect it again.
"""


def add_export_command(sub) -> None:
    ex = sub.add_parser("export", help="write demonstrations as a LeRobot or Minari dataset",
                        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXPORT_EPILOG,
                        description="Write a dataset of `errands collect` (household or BabyAI demonstrations) in "
                                    "the format another tool reads: one episode per collected episode, one step per "
                                    "skill step, the instruction as the task.")
    formats = ex.add_subparsers(dest="format", metavar="FORMAT", required=True)
    lr = formats.add_parser("lerobot", help="a LeRobot dataset (v3.0 layout: Parquet, meta/, MP4 videos)",
                            description="Write DATA as a LeRobot dataset folder OUT (codebase version v3.0): data and "
                                        "episode Parquet files, meta/info.json, tasks (the instructions), subtasks (the "
                                        "skills), stats, and the camera images as MP4 when DATA kept frames. Loading "
                                        "it needs the lerobot package (pip install 'errands[lerobot]', which brings "
                                        "its own torch); writing it does not.")
    lr.add_argument("data", type=Path, help="dataset folder of errands collect")
    lr.add_argument("out", type=Path, help="the LeRobot dataset folder to write")
    lr.add_argument("--fps", type=int, default=10,
                    help="frames per second written in the metadata and videos (steps carry no clock; default 10)")
    lr.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    lr.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    lr.set_defaults(handler=cmd_export)
    mi = formats.add_parser("minari", help="a Minari dataset, through the minari package",
                            description="Write DATA as the Minari dataset NAME with the minari package (pip install "
                                        "'errands[minari]'), in Minari's folder ($MINARI_DATASETS_PATH or "
                                        "~/.minari/datasets) or --root; minari.load_dataset(NAME) reads it.")
    mi.add_argument("data", type=Path, help="dataset folder of errands collect")
    mi.add_argument("name", help="the Minari dataset id, e.g. errands/household-seen-v0")
    mi.add_argument("--root", type=Path, help="the Minari datasets folder to write in (default: Minari's own)")
    mi.add_argument("--overwrite", action="store_true", help="replace the dataset if it exists")
    mi.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    mi.set_defaults(handler=cmd_export)


def cmd_export(args) -> int:
    import time

    started = time.perf_counter()
    if args.format == "lerobot":
        from .lerobot_export import export_lerobot

        info = export_lerobot(args.data, args.out, fps=args.fps, overwrite=args.overwrite,
                              progress=not args.no_progress)
        episodes, steps, where = info["total_episodes"], info["total_frames"], args.out
    else:
        from .minari_export import export_minari

        try:
            dataset = export_minari(args.data, args.name, root=args.root, overwrite=args.overwrite,
                                    progress=not args.no_progress)
        except ImportError as e:
            print(f"errands export: error: {e}")
            return 2
        episodes, steps, where = dataset.total_episodes, dataset.total_steps, f"Minari dataset {args.name}"
    print(f"{where}: {episodes} episodes, {steps} steps ({time.perf_counter() - started:.1f} s)")
    return 0


RL_EPILOG = """examples:
  errands train rl --init runs/train/bc --anchor-data data/demos --out runs/train/rl --total-steps 30000 --lr 3e-5 \
      --value-warmup 4096
  errands train rl --out runs/train/rl-scratch --total-steps 100000          # from scratch
  errands train rl --init runs/train/bc --skills any --envs 4 --device cuda
  errands train rl --init runs/train/bc --vector 16 --total-steps 50000     # 16 episodes in one batch
  errands train rl --init runs/train/bc --layouts ../alfred/gen/layouts --skills PickupObject,HeatObject \
      --total-steps 40000 --lr 1e-4                                      # in ALFRED's floor plans
  errands train rl --init errands/policies/data/household-visuomotor --camera 64 --out runs/train/rl-rgb \
      --total-steps 20000 --lr 1e-5 --value-warmup 2048                 # the visuomotor network, RGB only
  errands eval --suite valid_unseen --protocol rgb --camera 64 --planner interpreter \
      --planner-option plan_from=words --policy runs/train/rl-rgb
  tensorboard --logdir runs/train/rl/tensorboard
  errands eval --suite valid_unseen --policy runs/train/rl

The reward (errands/train/skill_env.py): -0.01 a step, -0.05 a failed action, for
GotoLocation +0.1 per action fewer on the shortest path to the target, +1 for SkillDone
when the skill's success test holds (the end), -0.1 for SkillDone before it holds (the
episode goes on), -0.5 for Stop or the 10th failed action (the end).
A config file is a JSON object with any of the keys of errands.train.rl_config.RLConfig; flags
override it. Rerunning the same command resumes from OUT/checkpoints/last (SB3's own,
pickle-based save: keep it in its run folder).
"""


def add_rl_command(algos) -> None:
    from .rl import RLConfig

    rl = RLConfig()
    p = algos.add_parser(
        "rl", help="PPO (stable-baselines3) on skill episodes, from an imitation checkpoint or from scratch",
        description="Fine-tune the skill network with PPO (stable-baselines3) on errands/HouseholdSkill-v0: each "
                    "episode is one skill (GotoLocation unless --skills says otherwise) from a sampled task, "
                    "started where the expert's play of the plan reaches it. The network is the one imitation "
                    "trains, with its GRU memory carried in the observations (SB3's PPO is not recurrent) and a "
                    "new value head. With --camera RES it is the visuomotor network, trained from the camera's "
                    "RGB frames and the skill's words alone (ALFRED's rule; the run records protocol rgb). "
                    "Writes OUT/model.safetensors and OUT/config.json (give OUT to --policy), "
                    "OUT/checkpoints/step-N every --checkpoint-every steps, OUT/checkpoints/last (to resume) and "
                    "OUT/tensorboard. Needs pip install 'errands[train]'.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=RL_EPILOG)
    p.add_argument("--config", type=Path, help="JSON config file (flags override it)")
    p.add_argument("--init", help="imitation checkpoint folder to start from: the symbolic network's, or with "
                                  "--camera the visuomotor network's (default: from scratch)")
    p.add_argument("--out", help=f"run folder (default {rl.out})")
    p.add_argument("--skills", help=f"skill to train on, several separated by commas, or 'any' (default {rl.skills})")
    p.add_argument("--split", choices=["seen", "unseen", "any"], help=f"scenes to train in (default {rl.split})")
    p.add_argument("--layouts", help="ALFRED's gen/layouts folder: train in ALFRED's real floor plans of the split "
                                     "(default: the split's procedural scenes)")
    p.add_argument("--camera", type=int, metavar="RES",
                   help="train the visuomotor network through the agent's RES x RES camera under ALFRED's rule: it "
                        "is given the RGB frame, the skill's words and its own previous action (nothing of the "
                        "symbolic view, the goal sensors or the world), the skills' plans are written by object "
                        "type (the goal-skills planner), and an interaction aims at a pixel. --init must then be a "
                        "visuomotor checkpoint trained on RES x RES frames (e.g. "
                        "errands/policies/data/household-visuomotor, 64); without --init a fresh one of width "
                        "--hidden. Not with --vector, --anchor-data or --validation-episodes (default: the "
                        "symbolic network)")
    p.add_argument("--total-steps", type=int, help=f"env steps in all (default {rl.total_steps})")
    p.add_argument("--envs", type=int, help=f"parallel envs, one SubprocVecEnv worker process each (default {rl.envs})")
    p.add_argument("--vec-env", choices=["subproc", "dummy"],
                   help=f"subproc: envs in worker processes; dummy: in this process (default {rl.vec_env})")
    p.add_argument("--vector", type=int, metavar="N",
                   help="step N skill episodes as one batch in this process (errands/HouseholdVector-v0 under the "
                        "skill env, an SB3 VecEnv) instead of --envs scalar envs: the same episodes, rewards and "
                        "observations; the batch is NumPy on the CPU, and with --device cuda the policy makes "
                        "tensors of it on the GPU (default: scalar envs)")
    p.add_argument("--n-steps", type=int, help=f"steps per env per rollout (default {rl.n_steps})")
    p.add_argument("--batch-size", type=int, help=f"minibatch size of the PPO update (default {rl.batch_size})")
    p.add_argument("--n-epochs", type=int, help=f"passes over each rollout (default {rl.n_epochs})")
    p.add_argument("--lr", type=float, help=f"Adam learning rate (default {rl.lr}; use ~1e-5 to fine-tune)")
    p.add_argument("--ent-coef", type=float, help=f"entropy bonus (default {rl.ent_coef})")
    p.add_argument("--clip-range", type=float, help=f"PPO clip range (default {rl.clip_range})")
    p.add_argument("--hidden", type=int, help=f"network width, from scratch only (default {rl.hidden})")
    p.add_argument("--max-skill-steps", type=int, help=f"steps before an episode is cut (default {rl.max_skill_steps})")
    p.add_argument("--anchor-data", nargs="+",
                   help="demonstration folders (`errands collect`) whose segments of the skills not trained here are "
                        "imitated after every PPO update, so that they keep what --init learned (the network is "
                        "shared by every skill); needs --init")
    p.add_argument("--anchor-trained-skills", action="store_true", default=None,
                   help="the anchor also imitates the demonstrations of the skills PPO trains (as DAPG does), "
                        "keeping them near --init while PPO improves on it")
    p.add_argument("--anchor-batches", type=int, help=f"behaviour-cloning minibatches after each PPO update (default {rl.anchor_batches})")
    p.add_argument("--value-warmup", type=int, dest="value_warmup_steps",
                   help="env steps at the start in which only the new value head learns and the network stays as "
                        f"--init made it (default {rl.value_warmup_steps}; a few thousand when fine-tuning)")
    p.add_argument("--detour-steps", type=int,
                   help="perturbed starts: up to this many random moves and turns before each training episode's "
                        f"skill, so PPO meets states off the expert's path (default {rl.detour_steps})")
    p.add_argument("--checkpoint-every", type=int, help=f"env steps between checkpoints (default {rl.checkpoint_every})")
    p.add_argument("--validation-episodes", type=int,
                   help="held-out skill episodes (every skill, the training split) that the starting network and "
                        "each checkpoint play; the one that solves the most is exported as the run's policy "
                        f"(default {rl.validation_episodes}: the last step is)")
    p.add_argument("--seed", type=int, help=f"seed of the envs and the network (default {rl.seed})")
    p.add_argument("--device", help=f"cpu, cuda, cuda:N or auto (default {rl.device})")
    p.add_argument("--threads", type=int, help=f"torch threads for the update (default {rl.threads})")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(handler=cmd_train_rl)


PERCEPTION_EPILOG = """examples:
  errands train perception --episodes 500 --out runs/perception/model            # frames in OUT/frames
  errands train perception --episodes 500 --frames data/frames --out runs/perception/model --epochs 8
  errands train perception --episodes 2000 --out runs/perception/big --channels 16 --device cuda

The checkpoint (OUT/model.safetensors, OUT/config.json) loads with
errands.policies.network.load_checkpoint(OUT, expect_kind="perception"); its
PerceptionNetwork.predict(rgb, horizon) (the camera's pitch in degrees down) gives each
pixel's class (perception_classes(): the room, the floor, the object types), the class's
softmax confidence and the depth in metres. The frames are collected once: a
rerun with the same --frames and settings reuses them (and collects only what is missing).
"""


def add_perception_command(algos) -> None:
    from .perception import FramesConfig, PerceptionTrainConfig

    f, t = FramesConfig(), PerceptionTrainConfig()
    p = algos.add_parser(
        "perception", help="the perception network: a camera frame's object types and depth, from RGB alone",
        description="Train the perception network of a modular camera policy (errands/policies/perception_network.py: "
                    "RGB and the camera's horizon in; each pixel's object type, the floor or the rest of the "
                    "room, and its depth out) from the simulator's privileged segmentation and depth. First the "
                    "frames: --episodes tasks of --split played by the oracle planner and the expert that looks "
                    "round before it walks, through the camera, with random looks about (LookUp/LookDown and "
                    "turns, then back) so every horizon appears; a random --keep of the steps is recorded with its "
                    "horizon (episode i draws from seed [SEED, i]) as .npz shards in --frames. Then training: "
                    "weighted cross-entropy over the classes and L1 on the log depth, "
                    "validated on held-out episodes (pixel accuracy, mean recall over the object classes, the floor's "
                    "recall and precision, depth error in metres and relative, every epoch).",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=PERCEPTION_EPILOG)
    p.add_argument("--episodes", type=int, required=True, help="episodes whose frames are recorded")
    p.add_argument("--out", type=Path, required=True, help="the checkpoint folder to write")
    p.add_argument("--frames", type=Path, help="the frames folder, collected into when it lacks them (default OUT/frames)")
    p.add_argument("--split", default=f.split, choices=["seen", "unseen", "any"],
                   help=f"scenes the tasks come from (default {f.split}; keep unseen for evaluation)")
    p.add_argument("--resolution", type=int, default=f.resolution, help=f"camera pixels a side (default {f.resolution})")
    p.add_argument("--keep", type=float, default=f.keep, help=f"fraction of the steps recorded (default {f.keep:g})")
    p.add_argument("--look-about", type=float, default=f.look_about,
                   help=f"chance per step of a look about before the expert's action (default {f.look_about:g})")
    p.add_argument("--epochs", type=int, default=t.epochs, help=f"passes over the training frames (default {t.epochs})")
    p.add_argument("--batch-size", type=int, default=t.batch_size, help=f"frames per batch (default {t.batch_size})")
    p.add_argument("--lr", type=float, default=t.lr, help=f"Adam learning rate, cosine-decayed (default {t.lr:g})")
    p.add_argument("--channels", type=int, default=t.channels,
                   help=f"width of the U-Net's full-resolution level; the deeper ones are 2, 4, 8 times it "
                        f"(default {t.channels}: about 1.1 MB of weights)")
    p.add_argument("--class-balance", type=float, default=t.class_balance,
                   help="exponent of the classes' median-frequency weights in the loss: 0 weighs every pixel alike, "
                        f"1 every class alike (default {t.class_balance:g})")
    p.add_argument("--seed", type=int, default=t.seed, help=f"seed of the frames' draws and of training (default {t.seed})")
    p.add_argument("--device", default=t.device, help=f"cpu, cuda or cuda:N (default {t.device})")
    p.add_argument("--threads", type=int, help="torch CPU threads (default: torch's own)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.set_defaults(handler=cmd_train_perception)


def cmd_train_perception(args) -> int:
    import torch

    from .perception import FramesConfig, PerceptionTrainConfig, check_setup, collect_frames, train_perception

    if args.threads is not None:
        if args.threads < 1:
            raise ValueError(f"--threads must be at least 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    frames = args.frames if args.frames is not None else args.out / "frames"
    frames_config = FramesConfig(split=args.split, seed=args.seed, resolution=args.resolution, keep=args.keep,
                                 look_about=args.look_about)
    train_config = PerceptionTrainConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                                         channels=args.channels, class_balance=args.class_balance, seed=args.seed,
                                         device=args.device)
    check_setup(frames_config, train_config)
    collect_frames(frames, args.episodes, frames_config, progress=not args.no_progress)
    out, training = train_perception(frames, args.out, train_config, progress=not args.no_progress,
                                     episodes=args.episodes)
    last = training["history"][-1]
    print(f"checkpoint: {out} ({training['seconds']} s, {training['samples_per_s']} frames/s); validation: pixel "
          f"accuracy {last['pixel_accuracy']}, mean class recall {last['mean_class_recall']}, floor recall "
          f"{last['floor_recall']} precision {last['floor_precision']}, depth MAE {last['depth_mae_m']} m "
          f"(relative {last['depth_relative_error']})")
    return 0


def cmd_collect(args) -> int:
    from .collect import collect

    manifest = collect(args.out, args.episodes, split=args.split, seed=args.seed, workers=args.workers,
                       shard_size=args.shard_size, actor=args.actor, progress=not args.no_progress,
                       overwrite=args.overwrite, backend=f"babyai:{args.level}" if args.level else "household",
                       layouts=args.layouts, camera=args.camera, frames=args.frames, vector=args.vector,
                       planner=args.planner, search=args.search)
    totals = manifest["totals"]
    print(f"{args.out}: {totals['episodes']} episodes, {totals['segments']} skill segments, {totals['rows']} steps "
          f"({totals['failed_episodes']} failed episodes, listed in the manifest)")
    return 0


def cmd_train(args) -> int:
    from .config_file import flag_overrides
    from .dagger import train_dagger
    from .imitation import train
    from .imitation_config import TrainConfig

    overrides = flag_overrides(args, TrainConfig)
    if args.algorithm == "dagger" and overrides["out"] is None:
        overrides["out"] = "runs/train/dagger"
    config = TrainConfig.from_file(args.config, **overrides)
    if not config.datasets:
        raise ValueError("no datasets: give --data FOLDER (from `errands collect`) or 'datasets' in --config")
    run = train_dagger if args.algorithm == "dagger" else train
    out = run(config, args.init, progress=not args.no_progress)
    if os.environ.get("RANK", "0") == "0":
        print(f"checkpoint: {out} (use it with: errands run --policy {out} \"...\")")
    return 0


def cmd_train_rl(args) -> int:
    from .config_file import flag_overrides
    from .rl import train_rl
    from .rl_config import RLConfig

    config = RLConfig.from_file(args.config, **flag_overrides(args, RLConfig))
    out = train_rl(config, progress=not args.no_progress)
    training = json.loads((out / "config.json").read_text())["training"]
    last = training["history"]
    if last:
        print(f"after {last[-1]['timesteps']} steps: training success {last[-1]['success_rate']}, "
              f"{last[-1]['steps_per_s']} env steps/s")
    if "selected" in training:
        chosen = training["selected"]
        print(f"exported the checkpoint of step {chosen['timesteps']}, which solved {chosen['successes']} of "
              f"{chosen['episodes']} validation episodes (the starting network: "
              f"{training['validation'][0]['successes']})")
    print(f"checkpoint: {out} (use it with: errands run --policy {out} \"...\")")
    return 0
