"""Test helpers: the on-policy agents (VPG, TRPO, PPO) of both backends built side by side,
and weights copied from a PyTorch agent into a TF1 graph, so that the two can be compared on
the same batch."""
import importlib
from types import SimpleNamespace

import numpy as np


def torch_agent(env, seed, algo='ppo', hidden_sizes=(64, 64), init='default'):
    import torch
    core = importlib.import_module(f'spinup.algos.pytorch.{algo}.core')
    torch.manual_seed(seed)
    return core.MLPActorCritic(env.observation_space, env.action_space, hidden_sizes=hidden_sizes, init=init)


def tf1_agent(env, seed=0, clip_ratio=0.2, pi_lr=3e-4, vf_lr=1e-3, hidden_sizes=(64, 64), algo='ppo',
              damping_coeff=0.1, init='default'):
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
        outs = core.mlp_actor_critic(x_ph, a_ph, hidden_sizes=hidden_sizes, action_space=env.action_space,
                                     init=init)
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


# The off-policy agents (DDPG, TD3, SAC)

OFF_POLICY = ['ddpg', 'td3', 'sac']


def torch_off_policy_agent(env, seed, algo, hidden_sizes=(256, 256)):
    """``(ac, ac_targ)``: a PyTorch agent and target networks with weights of their own (not
    a copy), so that a test can tell main from target."""
    import torch
    core = importlib.import_module(f'spinup.algos.pytorch.{algo}.core')
    torch.manual_seed(seed)
    ac = core.MLPActorCritic(env.observation_space, env.action_space, hidden_sizes=hidden_sizes)
    ac_targ = core.MLPActorCritic(env.observation_space, env.action_space, hidden_sizes=hidden_sizes)
    for p in ac_targ.parameters():
        p.requires_grad = False
    return ac, ac_targ


def _new_eps(graph, before):
    """The noise tensor (named ``eps``) created in the graph since ``before``."""
    new = [op for op in graph.get_operations() if op not in before and op.name.split('/')[-1] == 'eps']
    assert len(new) == 1, [op.name for op in new]
    return new[0].outputs[0]


def tf1_off_policy_agent(env, algo, hidden_sizes=(256, 256), gamma=0.99, polyak=0.995, alpha=0.2,
                         target_noise=0.2, noise_clip=0.5, lr=1e-3):
    """The graph ``<algo>_tf1`` builds (scopes ``main`` and ``target``, losses, training ops),
    in a graph and session of its own; the noise tensors are returned so a test can feed them."""
    import tensorflow.compat.v1 as tf

    from spinup.utils.mpi_tf import session_config
    core = importlib.import_module(f'spinup.algos.tf1.{algo}.core')
    module = importlib.import_module(f'spinup.algos.tf1.{algo}.{algo}')
    obs_dim, act_dim = env.observation_space.shape, env.action_space.shape[0]
    kw = dict(action_space=env.action_space, hidden_sizes=hidden_sizes)
    graph = tf.Graph()
    t = SimpleNamespace(graph=graph)
    with graph.as_default():
        t.x, t.a, t.x2, t.r, t.d = core.placeholders(obs_dim, act_dim, obs_dim, None, None)
        if algo == 'ddpg':
            with tf.variable_scope('main'):
                t.pi, t.q, q_pi = core.mlp_actor_critic(t.x, t.a, **kw)
            with tf.variable_scope('target'):
                _, _, q_pi_targ = core.mlp_actor_critic(t.x2, t.a, **kw)
            t.loss_q = module.compute_loss_q(t.q, q_pi_targ, t.r, t.d, gamma)
            t.loss_pi = module.compute_loss_pi(q_pi)
            q_scopes = ['main/q']
        elif algo == 'td3':
            with tf.variable_scope('main'):
                t.pi, t.q1, t.q2, q1_pi = core.mlp_actor_critic(t.x, t.a, **kw)
            with tf.variable_scope('target'):
                pi_targ, _, _, _ = core.mlp_actor_critic(t.x2, t.a, **kw)
            before = set(graph.get_operations())
            with tf.variable_scope('target', reuse=True):
                t.a2 = module.target_actions(pi_targ, target_noise, noise_clip, core.action_limit(env.action_space, 'TD3'))
                t.eps_q = _new_eps(graph, before)
                _, q1_targ, q2_targ, _ = core.mlp_actor_critic(t.x2, t.a2, **kw)
            t.loss_q = module.compute_loss_q(t.q1, t.q2, q1_targ, q2_targ, t.r, t.d, gamma)
            t.loss_pi = module.compute_loss_pi(q1_pi)
            q_scopes = ['main/q1', 'main/q2']
        else:
            before = set(graph.get_operations())
            with tf.variable_scope('main'):
                t.mu, t.pi, t.logp_pi, t.q1, t.q2 = core.mlp_actor_critic(t.x, t.a, **kw)
            t.eps_pi = _new_eps(graph, before)
            with tf.variable_scope('main', reuse=True):
                _, _, _, q1_pi, q2_pi = core.mlp_actor_critic(t.x, t.pi, **kw)
                before = set(graph.get_operations())
                _, pi2, logp_pi2, _, _ = core.mlp_actor_critic(t.x2, t.a, **kw)
                t.eps_q = _new_eps(graph, before)
            with tf.variable_scope('target'):
                _, _, _, q1_targ, q2_targ = core.mlp_actor_critic(t.x2, pi2, **kw)
            t.loss_q = module.compute_loss_q(t.q1, t.q2, q1_targ, q2_targ, logp_pi2, t.r, t.d, gamma, alpha)
            t.loss_pi = module.compute_loss_pi(q1_pi, q2_pi, t.logp_pi, alpha)
            q_scopes = ['main/q1', 'main/q2']
        q_vars = sum((core.get_vars(s) for s in q_scopes), [])
        t.train_q = tf.train.AdamOptimizer(lr).minimize(t.loss_q, var_list=q_vars)
        t.train_pi = tf.train.AdamOptimizer(lr).minimize(t.loss_pi, var_list=core.get_vars('main/pi'))
        with tf.control_dependencies([t.train_pi]):
            t.target_update = module.polyak_update(core.get_vars('main'), core.get_vars('target'), polyak)
        t.sess = tf.Session(graph=graph, config=session_config())
        t.sess.run(tf.global_variables_initializer())
        t.variables = {v.name: v for v in tf.trainable_variables()}
    return t


def off_policy_torch_to_tf1_names(ac, prefix):
    """``{tf1 variable name: NumPy value}`` for a PyTorch off-policy agent under scope ``prefix``."""
    import torch

    def linears(net):
        return [m for m in net if isinstance(m, torch.nn.Linear)]

    nets = {}
    if hasattr(ac.pi, 'mu_layer'):  # SAC's squashed Gaussian
        nets['pi'] = linears(ac.pi.net)
        nets['pi/mu'] = [ac.pi.mu_layer]
        nets['pi/log_std'] = [ac.pi.log_std_layer]
    else:
        nets['pi'] = linears(ac.pi.pi)
    for q in ('q', 'q1', 'q2'):
        if hasattr(ac, q):
            nets[q] = linears(getattr(ac, q).q)
    values = {}
    for scope, layers in nets.items():
        for j, layer in enumerate(layers):
            name = f'{prefix}/{scope}' if len(layers) == 1 and scope.startswith('pi/') else f'{prefix}/{scope}/dense_{j}'
            values[f'{name}/kernel:0'] = layer.weight.detach().numpy().T
            values[f'{name}/bias:0'] = layer.bias.detach().numpy()
    return values


def copy_off_policy_torch_to_tf1(ac, ac_targ, agent):
    """Load a PyTorch agent and its target networks into the TF1 graph's ``main`` and ``target``."""
    values = {**off_policy_torch_to_tf1_names(ac, 'main'), **off_policy_torch_to_tf1_names(ac_targ, 'target')}
    assert set(values) == set(agent.variables), 'every TF1 variable gets a PyTorch weight, and only those'
    for name, value in values.items():
        assert tuple(agent.variables[name].shape.as_list()) == value.shape, name
        agent.variables[name].load(value, agent.sess)


def transition_batch(env, n=100, seed=0):
    """A made-up batch of transitions (s, a, r, s', d), some of them terminal (NumPy)."""
    rng = np.random.default_rng(seed)
    env.observation_space.seed(seed)
    env.action_space.seed(seed)
    obs = np.stack([env.observation_space.sample() for _ in range(2 * n)]).astype(np.float32)
    obs = np.clip(obs, -5, 5)  # Box(-inf, inf) samples can be huge
    act = np.stack([env.action_space.sample() for _ in range(n)]).astype(np.float32)
    return dict(obs=obs[:n], obs2=obs[n:], act=act, rew=rng.normal(size=n).astype(np.float32),
                done=(rng.random(n) < 0.2).astype(np.float32))
