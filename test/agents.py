"""Test helpers: the on-policy agents (VPG, TRPO, PPO) of both backends built side by side,
and weights copied from a PyTorch agent into a TF1 graph, so that the two can be compared on
the same batch."""
import importlib
from types import SimpleNamespace

import numpy as np


def torch_agent(env, seed, algo='ppo', hidden_sizes=(64, 64)):
    import torch
    core = importlib.import_module(f'spinup.algos.pytorch.{algo}.core')
    torch.manual_seed(seed)
    return core.MLPActorCritic(env.observation_space, env.action_space, hidden_sizes=hidden_sizes)


def tf1_agent(env, seed=0, clip_ratio=0.2, pi_lr=3e-4, vf_lr=1e-3, hidden_sizes=(64, 64), algo='ppo',
              damping_coeff=0.1):
    """The graph ``<algo>_tf1`` builds, in a graph and session of its own."""
    import tensorflow.compat.v1 as tf
    from spinup.utils.mpi_tf import MpiAdamOptimizer, session_config
    core = importlib.import_module(f'spinup.algos.tf1.{algo}.core')
    module = importlib.import_module(f'spinup.algos.tf1.{algo}.{algo}')

    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        x_ph, a_ph = core.placeholders_from_spaces(env.observation_space, env.action_space)
        adv_ph, ret_ph, logp_old_ph = core.placeholders(None, None, None)
        outs = core.mlp_actor_critic(x_ph, a_ph, hidden_sizes=hidden_sizes, action_space=env.action_space)
        if algo == 'trpo':
            pi, logp, logp_pi, ent, info, info_phs, d_kl, v = outs
        else:
            pi, logp, logp_pi, ent, v = outs
        if algo == 'ppo':
            loss_pi, pi_info = module.compute_loss_pi(logp, logp_old_ph, adv_ph, ent, clip_ratio)
        else:
            loss_pi, pi_info = module.compute_loss_pi(logp, logp_old_ph, adv_ph, ent)
        loss_v = module.compute_loss_v(v, ret_ph)
        ops = dict(loss_pi=loss_pi, loss_v=loss_v, **pi_info)
        if algo == 'trpo':  # as trpo_tf1 builds them
            ops.update(d_kl=d_kl, info=info, info_phs=info_phs,
                       **module.natural_gradient_ops(loss_pi, d_kl, core.get_vars('pi'), damping_coeff))
        else:
            ops['train_pi'] = MpiAdamOptimizer(learning_rate=pi_lr).minimize(loss_pi, var_list=core.get_vars('pi'))
        ops['train_v'] = MpiAdamOptimizer(learning_rate=vf_lr).minimize(loss_v, var_list=core.get_vars('v'))
        sess = tf.Session(graph=graph, config=session_config())
        sess.run(tf.global_variables_initializer())
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
