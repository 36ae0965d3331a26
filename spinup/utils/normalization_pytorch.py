"""A PyTorch agent saved with its observation statistics, so that it normalizes what it is given."""
import torch
import torch.nn as nn

from spinup.utils.normalization import Normalizer


class NormalizedAgent(nn.Module):
    """The agent as a run with normalized observations saves it: ``act`` and ``step`` take raw
    observations, normalize them with the statistics the run had when it saved (they stay as
    they are: nothing a loaded agent sees is added), and hand them to the agent ``ac``.

    The statistics are the run's :class:`~spinup.utils.normalization.Normalizer`, saved with
    this module; normalizing runs through it, in NumPy, as it did in training, so that a loaded
    agent acts exactly as the agent did on the same observations (``test_policy`` hands it
    float32 ones: training normalized the environment's float64 observations, about 1e-7 away). ``ac`` itself (its ``pi``
    and ``v``) takes normalized observations: ``normalize`` makes them."""

    def __init__(self, ac: nn.Module, normalizer: Normalizer):
        super().__init__()
        self.ac, self.normalizer = ac, normalizer

    def normalize(self, obs: torch.Tensor) -> torch.Tensor:
        x = self.normalizer.obs(obs.cpu().numpy(), update=False)
        return torch.as_tensor(x, dtype=torch.float32, device=obs.device)

    def step(self, obs: torch.Tensor, *memory):
        """``ac.step`` on the normalized ``obs`` (a recurrent agent's memory goes along)."""
        return self.ac.step(self.normalize(obs), *memory)

    def act(self, obs: torch.Tensor, *memory):
        return self.ac.act(self.normalize(obs), *memory)

    def __getattr__(self, name: str):
        # the agent's other members (a recurrent agent's initial_state) are the agent's
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == 'ac':  # (not there yet, while the module is being unpickled)
                raise
            return getattr(self.ac, name)

