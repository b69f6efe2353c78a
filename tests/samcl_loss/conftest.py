import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread():
    # The test machines are small and shared: one intra-op thread avoids oversubscription stalls.
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _blobs(n, h, w, num_classes, seed=0):
    """Synthetic (image, target): discs of classes 1..C-1 on background 0, image ~ label."""
    g = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    target = torch.zeros(n, h, w, dtype=torch.long)
    for i in range(n):
        for k in range(1, num_classes):
            for _ in range(2):
                cy = int(torch.randint(0, h, (1,), generator=g))
                cx = int(torch.randint(0, w, (1,), generator=g))
                r = int(torch.randint(3, max(4, h // 4), (1,), generator=g))
                target[i][(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = k
    image = target.unsqueeze(1) / num_classes + 0.1 * torch.randn(n, 1, h, w, generator=g)
    return image, target


@pytest.fixture
def blobs():
    return _blobs
