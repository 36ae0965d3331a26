"""Saving and loading TF1 models: the SavedModel layout, reload in a fresh process, numbered
saves, and saves that a crash cannot break."""
import json
import subprocess
import sys
import textwrap

import gymnasium as gym
import joblib
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from conftest import REPO, run_python
from agents import random_batch, tf1_agent, tf1_params
from spinup.utils.logx import EpochLogger, restore_tf_graph
from spinup.utils.test_policy import find_save, load_policy_and_env

tf.disable_v2_behavior()


def saved_agent(run_dir, env_id='Pendulum-v1', itr=None, seed=0):
    env = gym.make(env_id)
    agent = tf1_agent(env, seed=seed)
    logger = EpochLogger(output_dir=str(run_dir))
    logger.setup_tf_saver(agent.sess, inputs={'x': agent.x}, outputs={'pi': agent.pi, 'v': agent.v})
    logger.save_state({'env': env}, itr)
    return env, agent, logger


def test_layout_and_model_info(tmp_path):
    _, agent, _ = saved_agent(tmp_path)
    save = tmp_path / 'tf1_save'
    assert (save / 'saved_model.pb').exists() and (save / 'variables').is_dir()
    info = joblib.load(save / 'model_info.pkl')
    assert info == {'inputs': {'x': agent.x.name}, 'outputs': {'pi': agent.pi.name, 'v': agent.v.name}}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith('.')] == []  # no temporary left


def test_reload_in_fresh_process_gives_same_weights_values_and_actions(tmp_path):
    env, agent, _ = saved_agent(tmp_path / 'run')
    obs = random_batch(env, n=16)['obs']
    np.save(tmp_path / 'obs.npy', obs)
    v = agent.sess.run(agent.v, {agent.x: obs})
    params = tf1_params(agent)

    script = f"""
import json, numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
from spinup.utils.logx import restore_tf_graph
sess = tf.Session(graph=tf.Graph())
model = restore_tf_graph(sess, {str(tmp_path / 'run' / 'tf1_save')!r})
obs = np.load({str(tmp_path / 'obs.npy')!r})
a, v = sess.run([model['pi'], model['v']], {{model['x']: obs}})
kernel = sess.run(sess.graph.get_tensor_by_name('pi/dense_0/kernel:0'))
print(json.dumps(dict(keys=sorted(model), a=a.tolist(), v=v.tolist(), kernel=kernel.tolist())))
"""
    first, second = json.loads(run_python(script)), json.loads(run_python(script))
    assert first['keys'] == ['pi', 'v', 'x']
    np.testing.assert_array_equal(np.array(first['v'], dtype=np.float32), v)
    np.testing.assert_array_equal(np.array(first['kernel'], dtype=np.float32), params['pi/dense_0/kernel:0'])
    assert np.array(first['a']).shape == (16, 1)
    assert first['a'] == second['a']  # the sampling ops keep their seeds in the saved graph

    # the same actions in this process too, from a fresh session on the saved graph
    sess = tf.Session(graph=tf.Graph())
    model = restore_tf_graph(sess, str(tmp_path / 'run' / 'tf1_save'))
    np.testing.assert_array_equal(sess.run(model['pi'], {model['x']: obs}), np.array(first['a'], dtype=np.float32))


def test_numbered_saves_and_a_graph_that_does_not_grow(tmp_path):
    env, agent, logger = saved_agent(tmp_path, itr=3)
    n_ops = len(agent.graph.get_operations())
    logger.save_state({'env': env}, 12)
    logger.save_state({'env': env}, None)
    logger.save_state({'env': env}, None)
    assert len(agent.graph.get_operations()) == n_ops
    assert sorted(p.name for p in tmp_path.glob('tf1_save*')) == ['tf1_save', 'tf1_save12', 'tf1_save3']
    assert find_save(str(tmp_path)) == ('tf1', '')
    assert find_save(str(tmp_path), 3) == ('tf1', '3')


def test_a_process_killed_mid_save_leaves_the_previous_save_loadable(tmp_path):
    """The first save completes; during the second the process dies (os._exit, no clean-up)
    after the builder has written the new SavedModel, before model_info.pkl and the swap."""
    script = tmp_path / 'crash.py'
    script.write_text(textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(REPO + '/test')!r})
        import gymnasium as gym
        import tensorflow.compat.v1 as tf
        from agents import tf1_agent
        from spinup.utils.logx import EpochLogger
        env = gym.make('Pendulum-v1')
        agent = tf1_agent(env)
        logger = EpochLogger(output_dir={str(tmp_path / 'run')!r})
        logger.setup_tf_saver(agent.sess, inputs={{'x': agent.x}}, outputs={{'pi': agent.pi, 'v': agent.v}})
        logger.save_state({{'env': env}})
        agent.sess.run([v.assign(v + 1.0) for v in agent.graph.get_collection('trainable_variables')])
        original_save = tf.saved_model.builder.SavedModelBuilder.save
        def dying_save(self, *args, **kwargs):
            original_save(self, *args, **kwargs)  # saved_model.pb and variables written...
            os._exit(3)                            # ...and the process dies before the swap
        tf.saved_model.builder.SavedModelBuilder.save = dying_save
        logger.save_state({{'env': env}})
    """))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 3, out.stderr[-3000:]
    run = tmp_path / 'run'
    assert find_save(str(run)) == ('tf1', '')
    env, get_action = load_policy_and_env(str(run))
    obs, _ = env.reset(seed=0)
    assert get_action(obs).shape == (1,)
    # it is the first save: the weights before the +1
    sess = tf.Session(graph=tf.Graph())
    restore_tf_graph(sess, str(run / 'tf1_save'))
    log_std = sess.run(sess.graph.get_tensor_by_name('pi/log_std:0'))
    np.testing.assert_allclose(log_std, -0.5)
    first_kernel = sess.run(sess.graph.get_tensor_by_name('v/dense_0/kernel:0'))
    assert len(list(run.glob('.tf1_save.*.tmp'))) == 1  # what the dead process left
    # the next save replaces it, and clears away the dead process's temporary folder
    saved_agent(run, seed=5)
    assert list(run.glob('.tf1_save*')) == []
    sess = tf.Session(graph=tf.Graph())
    restore_tf_graph(sess, str(run / 'tf1_save'))
    kernel = sess.run(sess.graph.get_tensor_by_name('v/dense_0/kernel:0'))
    assert not np.array_equal(kernel, first_kernel)


def test_a_crash_between_the_two_renames_is_recovered(tmp_path):
    """If the process dies after moving the old save aside and before moving the new one in,
    the old one is found at .tf1_save.old, by test_policy and by the next save."""
    env, agent, logger = saved_agent(tmp_path)
    (tmp_path / 'tf1_save').rename(tmp_path / '.tf1_save.old')
    assert find_save(str(tmp_path)) == ('tf1', '')
    _, get_action = load_policy_and_env(str(tmp_path))
    assert get_action(env.reset(seed=0)[0]).shape == (1,)
    logger.save_state({'env': env})  # the next save puts tf1_save back and drops the old copy
    assert (tmp_path / 'tf1_save' / 'saved_model.pb').exists()
    assert not (tmp_path / '.tf1_save.old').exists()


def test_restore_from_a_folder_without_a_save_is_a_clear_error(tmp_path):
    from spinup.utils.errors import SpinupError
    with pytest.raises(SpinupError, match='no TF1 save'):
        restore_tf_graph(tf.Session(graph=tf.Graph()), str(tmp_path))


def test_restore_into_a_graph_that_has_ops_is_refused(tmp_path):
    """Imported names would clash (x would come back as the graph's own placeholder)."""
    from spinup.utils.errors import SpinupError
    saved_agent(tmp_path)
    graph = tf.Graph()
    with graph.as_default():
        tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(SpinupError, match='empty graph'):
        restore_tf_graph(tf.Session(graph=graph), str(tmp_path / 'tf1_save'))
