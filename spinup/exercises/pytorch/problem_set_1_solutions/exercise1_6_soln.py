"""Solution to exercise 1.6: the memory's mask, one step of an LSTM cell (PyTorch)."""
from typing import Tuple

import torch


def lstm_step(xw_t: torch.Tensor, start_t: torch.Tensor, h: torch.Tensor, c: torch.Tensor,
              wh: torch.Tensor, b: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step, the memory zeroed first where start_t is 1: ([B, 4n], [B], [B, n] x 2,
    [n, 4n], [4n]) -> (h, c), each [B, n]."""
    keep = (1 - start_t).unsqueeze(-1)  # [B, 1]: 0 where a new episode starts
    h, c = h * keep, c * keep  # before the step reads them: a new episode starts with no memory
    z = xw_t + h @ wh + b
    i, f, o, u = z.chunk(4, dim=-1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(u)
    h = torch.sigmoid(o) * torch.tanh(c)
    return h, c


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_6
    check_1_6(lstm_step)
