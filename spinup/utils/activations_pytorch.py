"""tanh for the on-policy agents' MLPs, computed by NumPy on the CPU where that is faster.

On some CPUs PyTorch's own ``torch.tanh`` costs several times what NumPy's ``np.tanh`` does
for the same array (on the 2-core AMD EPYC the speed page was measured on: about 650 against
95 microseconds for a 4000 x 64 float32 batch, one thread each, while ``torch.sigmoid`` takes
about 105), and in VPG, TRPO and PPO's whole-batch updates the tanh layers were the largest
cost. :class:`Tanh` is the same function, computed by NumPy where that pays: on at least
``NUMPY_FROM`` values (a whole batch) on the CPU, the forward pass is ``np.tanh`` on the
tensor's memory and the backward pass PyTorch's own derivative, ``grad * (1 - tanh(x)^2)``,
which stays differentiable (TRPO's Hessian-vector products go through it twice). On fewer
values (acting on one observation, a minibatch of 64 rows), other devices and other dtypes it
is ``torch.tanh``: calling a Python function, and recording it in the graph, costs more there
than the kernel saves. NumPy's values and ``torch.tanh``'s differ by float32 rounding.
"""
import numpy as np
import torch
import torch.nn as nn

# Inputs of this many values or more take NumPy's tanh (measured crossover with a gradient:
# about 300 to 500 rows of 64)
NUMPY_FROM = 32768


class _NumpyTanh(torch.autograd.Function):
    """tanh with NumPy's forward pass and PyTorch's derivative (CPU float tensors)."""

    @staticmethod
    def forward(x):
        return torch.from_numpy(np.tanh(x.detach().numpy()))

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return torch.ops.aten.tanh_backward(grad, y)


class Tanh(nn.Module):
    """``nn.Tanh`` computed by NumPy on the CPU where that is faster (see the module's
    docstring)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if (x.numel() < NUMPY_FROM or x.device.type != 'cpu'
                or x.dtype not in (torch.float32, torch.float64)):
            return torch.tanh(x)
        return _NumpyTanh.apply(x)
