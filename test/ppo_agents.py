"""Test helpers: PPO agents of both backends built side by side, and weights copied from a
PyTorch agent into a TF1 graph, so that the two can be compared on the same batch."""
from types import SimpleNamespace

import numpy as np


def torch_agent(env, seed):
    import torch
    from spinup.algos.pytorch.ppo import core
    torch.manual_seed(seed)
    return core.MLPActorCritic(env.observation_space, env.action_space)


def tf1_agent(env, seed=0, clip_ratio=0.2, pi_lr=3e-4, vf_lr=1e-3, hidden_sizes=(64, 64)):
    """The graph ppo_tf1 builds, in a graph and session of its own."""
    import tensorflow.compat.v1 as tf
    from spinup.algos.tf1.ppo import core
    from spinup.algos.tf1.ppo.ppo import compute_loss_pi, compute_loss_v
    from spinup.utils.mpi_tf import MpiAdamOptimizer, session_config

    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        x_ph, a_ph = core.placeholders_from_spaces(env.observation_space, env.action_space)
        adv_ph, ret_ph, logp_old_ph = core.placeholders(None, None, None)
        pi, logp, logp_pi, ent, v = core.mlp_actor_critic(x_ph, a_ph, hidden_sizes=hidden_sizes,
                                                          action_space=env.action_space)
        loss_pi, pi_info = compute_loss_pi(logp, logp_old_ph, adv_ph, ent, clip_ratio)
        loss_v = compute_loss_v(v, ret_ph)
        train_pi = MpiAdamOptimizer(learning_rate=pi_lr).minimize(loss_pi, var_list=core.get_vars('pi'))
        train_v = MpiAdamOptimizer(learning_rate=vf_lr).minimize(loss_v, var_list=core.get_vars('v'))
        sess = tf.Session(graph=graph, config=session_config())
        sess.run(tf.global_variables_initializer())
    ops = dict(loss_pi=loss_pi, loss_v=loss_v, train_pi=train_pi, train_v=train_v, **pi_info)
    return SimpleNamespace(graph=graph, sess=sess, x=x_ph, a=a_ph, adv=adv_ph, ret=ret_ph,
                           logp_old=logp_old_ph, pi=pi, logp=logp, logp_pi=logp_pi, ent=ent, v=v, ops=ops)


def tf1_feed(agent, data):
    return {agent.x: data['obs'], agent.a: data['act'], agent.adv: data['adv'],
            agent.ret: data['ret'], agent.logp_old: data['logp']}


def tf1_params(agent):
    """The trainable variables' values, by name."""
    with agent.graph.as_default():
        import tensorflow.compat.v1 as tf
        variables = tf.trainable_variables()
    return dict(zip([v.name for v in variables], agent.sess.run(variables)))


def copy_torch_to_tf1(ac, agent):
    """Load the PyTorch agent's weights into the TF1 graph (kernels are the transposed weights)."""
    import torch
    with agent.graph.as_default():
        import tensorflow.compat.v1 as tf
        variables = {v.name: v for v in tf.trainable_variables()}
    values = {}
    pi_net = ac.pi.mu_net if hasattr(ac.pi, 'mu_net') else ac.pi.logits_net
    for scope, net in [('pi', pi_net), ('v', ac.v.v_net)]:
        linears = [m for m in net if isinstance(m, torch.nn.Linear)]
        for j, layer in enumerate(linears):
            values[f'{scope}/dense_{j}/kernel:0'] = layer.weight.detach().numpy().T
            values[f'{scope}/dense_{j}/bias:0'] = layer.bias.detach().numpy()
    if hasattr(ac.pi, 'log_std'):
        values['pi/log_std:0'] = ac.pi.log_std.detach().numpy()
    assert set(values) == set(variables), 'every TF1 variable gets a PyTorch weight, and only those'
    for name, value in values.items():
        assert tuple(variables[name].shape.as_list()) == value.shape, name
        variables[name].load(value, agent.sess)


def random_batch(env, n=64, seed=0):
    """Observations, actions, advantages and returns of a made-up batch (NumPy)."""
    rng = np.random.default_rng(seed)
    env.observation_space.seed(seed)
    env.action_space.seed(seed)
    obs = np.stack([env.observation_space.sample() for _ in range(n)]).astype(np.float32)
    act = np.stack([env.action_space.sample() for _ in range(n)]).astype(np.float32)
    return dict(obs=obs, act=act, adv=rng.normal(size=n).astype(np.float32),
                ret=rng.normal(size=n).astype(np.float32))
