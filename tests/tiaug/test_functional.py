import numpy as np

import tiaug.functional as F
from tiaug import blur, geometry, noise, occlusion

EXPECTED = {
    "hflip": geometry, "vflip": geometry, "rotate": geometry, "scale": geometry,
    "warp_affine": geometry, "gaussian_blur": blur, "add_noise": noise,
    "draw_occluders": occlusion, "occlude": occlusion,
}


def test_reexports_every_functional_op_of_the_topic_modules():
    assert sorted(F.__all__) == sorted(EXPECTED)
    for name, module in EXPECTED.items():
        assert getattr(F, name) is getattr(module, name)
        assert getattr(F, name).__doc__


def test_ops_run_on_one_frame():
    temps = np.linspace(20.0, 36.0, 12 * 16, dtype=np.float32).reshape(12, 16)
    labels = (temps > 28).astype(np.uint8)
    assert np.array_equal(F.hflip(temps), temps[:, ::-1])
    assert np.array_equal(F.vflip(temps, labels)[1], labels[::-1])
    assert F.rotate(temps, 10.0).dtype == np.float32
    assert F.scale(temps, 2.0, size=(6, 8)).shape == (6, 8)
    assert F.warp_affine(temps, np.eye(3)).shape == temps.shape
    assert np.abs(F.add_noise(temps, 0.1, rng=0) - temps).max() <= 0.1
    assert F.gaussian_blur(temps, 1.0).dtype == np.float32
    box = {"shapes": [{"type": "polygon", "vertices": [[2, 2], [2, 6], [6, 6], [6, 2]]}],
           "temperature": 60.0}
    (drawn,) = F.draw_occluders(temps.shape, [box])
    painted, _, occluded = F.occlude(temps, [box])
    assert drawn.sum() == 16 and np.array_equal(occluded, drawn)  # half-open edges: 4 x 4
    assert (painted[drawn] == 60.0).all()
