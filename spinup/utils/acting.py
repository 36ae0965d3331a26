"""Acting on one observation without the framework's fixed cost per call.

An agent acts once every environment step, on a single observation. For networks this
small the arithmetic takes a few microseconds, and PyTorch's own cost per call (module
calls, operator dispatch, tensor wrapping) is most of the step. ``numpy_mlp`` computes the
same forward pass with less machinery; ``python -m spinup.benchmarks.speed`` shows what it saves
in its policy column, and the VPG, TRPO and PPO pages name it.
"""
import weakref
from typing import Any, Tuple

import numpy as np

# Elementwise activations of torch.nn and their NumPy equivalents, by class name
NUMPY_ACTIVATIONS = {
    'Identity': lambda x: x,
    'Tanh': np.tanh,
    'ReLU': lambda x: np.maximum(x, 0),
}


def numpy_mlp(net: Any, x: np.ndarray) -> np.ndarray:
    """``net(x)`` for an ``nn.Sequential`` of ``nn.Linear`` layers and activations, computed
    by NumPy on the layers' own weights: ``.numpy()`` views share the parameters' memory, so
    every optimizer step is seen at once, with no copy to keep in sync. A layer of another
    kind runs through PyTorch as usual.

    Same numbers as ``net(torch.as_tensor(x))`` up to float32 rounding (the two libraries'
    matrix-vector products may sum in different orders). Shapes: x (..., in) -> (..., out).
    """
    for layer in net:
        kind = type(layer).__name__
        if kind == 'Linear':
            weight_t, bias = linear_views(layer)
            x = x @ weight_t + bias
        elif kind in NUMPY_ACTIVATIONS:
            x = NUMPY_ACTIVATIONS[kind](x)
        else:
            import torch
            with torch.inference_mode():
                x = layer(torch.as_tensor(x)).numpy()
    return x


# nn.Linear layer -> (where its parameters' memory is, W^T view, b view)
_VIEWS: 'weakref.WeakKeyDictionary[Any, tuple]' = weakref.WeakKeyDictionary()


def linear_views(layer: Any) -> Tuple[np.ndarray, np.ndarray]:
    """NumPy views ``(W^T, b)`` of an ``nn.Linear`` layer's parameters, made once and kept
    while the parameters stay in the same memory (optimizers update them in place; a layer
    given new tensors gets new views)."""
    weight, bias = layer.weight, layer.bias
    where = (weight.data_ptr(), None if bias is None else bias.data_ptr())
    cached = _VIEWS.get(layer)
    if cached is None or cached[0] != where:
        bias_view = np.zeros(weight.shape[0], np.float32) if bias is None else bias.detach().numpy()
        cached = (where, weight.detach().numpy().T, bias_view)
        _VIEWS[layer] = cached
    return cached[1], cached[2]
