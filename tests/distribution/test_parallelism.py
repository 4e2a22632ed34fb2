"""course_utils.distribution.parallelism.step_plan against Keras, and its widget without a browser."""

import pytest

from course_utils.distribution import parallelism


@pytest.mark.parametrize("layers, units, features", [(2, 32, 1), (3, 8, 5), (4, 64, 2)])
def test_params_match_keras(layers, units, features):
    import keras

    model = keras.Sequential(
        [keras.Input((10, features))]
        + [keras.layers.GRU(units, return_sequences=i < layers - 1) for i in range(layers)]
        + [keras.layers.Dense(1)]
    )
    plan = parallelism.step_plan(1000, 2, 16, 10, units, layers=layers, features=features)
    assert plan.params == plan.allreduce_values == model.count_params()


def test_batches_steps_and_boundaries():
    plan = parallelism.step_plan(100_000, 4, 64, 50, 128, layers=3)
    assert plan.global_batch == 256
    assert plan.steps_per_epoch == 391
    assert plan.boundary_values == 2 * 256 * 50 * 128 * 2
    assert "391 steps per epoch" in plan.summary()


@pytest.mark.parametrize("name", ["examples", "replicas", "per_replica_batch", "units", "layers"])
def test_rejects_bad_sizes(name):
    sizes = dict(examples=10, replicas=1, per_replica_batch=1, time_steps=1, units=1, layers=2)
    sizes[name] = 0
    with pytest.raises(ValueError, match=f"{name} must be a positive integer"):
        parallelism.step_plan(**sizes)


def test_widget_follows_its_sliders_and_has_a_static_snapshot():
    from course_utils.distribution.widget import StepPlanExplorer

    explorer = StepPlanExplorer(examples=1000)
    assert explorer.plan().global_batch == 64
    explorer.controls["replicas"].value = 8
    assert explorer.plan().global_batch == 256
    assert explorer.plan().steps_per_epoch == 4
    snapshot = explorer.snapshot()
    assert "global batch 256" in snapshot["text/plain"] and snapshot["image/png"]
