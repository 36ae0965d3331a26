"""tanh for the on-policy agents' MLPs, computed by NumPy on the CPU.

On some CPUs PyTorch's own ``torch.tanh`` costs several times what NumPy's ``np.tanh`` does
for the same array (on the 2-core AMD EPYC the speed page was measured on: about 650 against
95 microseconds for a 4000 x 64 float32 batch, one thread each, while ``torch.sigmoid`` takes
about 105), and in VPG, TRPO and PPO's whole-batch updates the tanh layers were the largest
cost. :class:`Tanh` is the same function: its forward pass is NumPy's, the one the policy step
already uses (:func:`spinup.utils.acting.numpy_mlp`), and its backward pass is PyTorch's own
derivative of tanh, ``grad * (1 - tanh(x)^2)``, which stays differentiable (TRPO's
Hessian-vector products go through it twice).
"""
import numpy as np
import torch
import torch.nn as nn


class _NumpyTanh(torch.autograd.Function):
    """tanh with NumPy's forward pass on CPU tensors and PyTorch's derivative."""

    @staticmethod
    def forward(x):
        if x.device.type != 'cpu':
            return torch.tanh(x)
        return torch.from_numpy(np.tanh(x.detach().numpy()))

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return torch.ops.aten.tanh_backward(grad, y)


class Tanh(nn.Module):
    """``nn.Tanh`` with NumPy's forward pass on the CPU (see the module's docstring)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _NumpyTanh.apply(x)
