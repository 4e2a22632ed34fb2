"""Notebook 11's custom training loop, which runs under any ``tf.distribute`` strategy.

:func:`distributed_batches` splits the global batches between the strategy's replicas and
:func:`train` runs ``strategy.run`` on each of them, then sums their losses. Every worker of
:func:`~course_utils.distribution.multiworker.run_local_cluster` trains with it. It imports
TensorFlow and Keras as it loads; :mod:`~course_utils.distribution.multiworker` does not, and
imports this module inside the worker process only, after TensorFlow's quiet import.
"""

import keras
import numpy as np
import tensorflow as tf

from course_utils.distribution.multiworker import LEARNING_RATE, build_model, training_data
from course_utils.validation import positive_int


# --- lesson code: begin (made by `make lesson-code` from the notebooks' save cells) ---
# From notebooks/11_distributed_training.ipynb, section "A custom training loop: `strategy.run`
# and `strategy.reduce`": edit it in the notebook, then run `make lesson-code`.
def distributed_batches(strategy, global_batch, epochs):
    """``training_data`` in global batches, split between ``strategy``'s replicas (with
    several workers, each one reads its share of every global batch: ``AutoShardPolicy.DATA``).

    Returns (the batches of every epoch, the steps per epoch). One iterator runs through all the
    epochs: measured on a 2-core CPU, a new iterator per epoch added about a second per epoch to
    the two-worker cluster.
    """
    x, y = training_data()
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(global_batch)
    steps_per_epoch = len(dataset)
    dataset = dataset.repeat(epochs).with_options(options)
    return strategy.experimental_distribute_dataset(dataset), steps_per_epoch


# From notebooks/11_distributed_training.ipynb, section "A custom training loop: `strategy.run`
# and `strategy.reduce`": edit it in the notebook, then run `make lesson-code`.
def train(strategy, per_replica_batch, epochs, seed=0):
    """Train ``build_model`` under ``strategy`` with Adam in a custom loop.

    Returns (mean loss per epoch, final weights as nested lists). A custom loop rather than
    ``model.fit``: Keras 3's ``fit`` does not run under ``MultiWorkerMirroredStrategy`` (see
    ``fit_error``, and keras-team/keras#20585), while ``strategy.run`` does, on any strategy.
    """
    per_replica_batch = positive_int("per_replica_batch", per_replica_batch)
    epochs = positive_int("epochs", epochs)
    keras.utils.set_random_seed(seed)
    global_batch = per_replica_batch * strategy.num_replicas_in_sync
    with strategy.scope():
        model = build_model()
        optimizer = keras.optimizers.Adam(LEARNING_RATE)
        optimizer.build(model.trainable_variables)  # its slots, here rather than inside the step
        mse = keras.losses.MeanSquaredError(reduction="none")

    def replica_step(inputs, targets):
        with tf.GradientTape() as tape:
            per_example = mse(targets, model(inputs, training=True))
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def train_step(inputs, targets):
        losses = strategy.run(replica_step, args=(inputs, targets))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

    batches, steps_per_epoch = distributed_batches(strategy, global_batch, epochs)
    losses = np.array([float(train_step(inputs, targets)) for inputs, targets in batches])
    history = losses.reshape(epochs, steps_per_epoch).mean(axis=1).tolist()
    return history, [w.tolist() for w in model.get_weights()]


# --- lesson code: end ---
