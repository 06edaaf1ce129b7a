"""Tests for funcgrad._printing: tensor reprs must match PyTorch's text.

Every expected string below was produced once by ``repr()`` of the
equivalent tensor in PyTorch 2.13 (CPU), with ``torch.`` replaced by
``funcgrad.``; the two device cases were written by hand from torch's rule
(the device suffix comes first).  PyTorch is not needed to run these tests.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

try:
    from funcgrad._printing import get_printoptions, set_printoptions, tensor_repr
except ImportError:  # the package may not be importable yet; load the file itself
    _path = Path(__file__).resolve().parents[1] / "funcgrad" / "_printing.py"
    _spec = importlib.util.spec_from_file_location("funcgrad_printing_under_test", _path)
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    get_printoptions = _module.get_printoptions
    set_printoptions = _module.set_printoptions
    tensor_repr = _module.tensor_repr


@pytest.fixture(autouse=True)
def _default_printoptions():
    # Print options are global; never let one test leak them into another.
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")


# (data, tensor_repr keyword arguments, print options, default dtype, expected)
CASES = [
    pytest.param(
        np.ones((2, 2), dtype=np.float32),
        {'requires_grad': True},
        {},
        np.float32,
        (
            'tensor([[1., 1.],\n'
            '        [1., 1.]], requires_grad=True)'
        ),
        id='ones-requires-grad',
    ),
    pytest.param(
        np.full((2, 2), 4.5, dtype=np.float32),
        {},
        {},
        np.float32,
        (
            'tensor([[4.5000, 4.5000],\n'
            '        [4.5000, 4.5000]])'
        ),
        id='fixed-4-decimals',
    ),
    pytest.param(
        np.array([102.4, 1024.0, 0.1024], dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor([1.0240e+02, 1.0240e+03, 1.0240e-01])',
        id='sci-wide-range',
    ),
    pytest.param(
        np.array([[1024, 0, 0], [0, 512, 0], [0, 0, 2]], dtype=np.float32),
        {},
        {},
        np.float32,
        (
            'tensor([[1024.,    0.,    0.],\n'
            '        [   0.,  512.,    0.],\n'
            '        [   0.,    0.,    2.]])'
        ),
        id='column-padding',
    ),
    pytest.param(
        np.array(27.0, dtype=np.float32),
        {'grad_fn_name': 'MeanBackward0'},
        {},
        np.float32,
        'tensor(27., grad_fn=<MeanBackward0>)',
        id='scalar-grad-fn',
    ),
    pytest.param(
        np.array(True),
        {},
        {},
        np.float32,
        'tensor(True)',
        id='scalar-bool',
    ),
    pytest.param(
        np.array([2, 2]),
        {},
        {},
        np.float32,
        'tensor([2, 2])',
        id='int64-vector',
    ),
    pytest.param(
        np.array([np.nan, np.inf, -np.inf, -0.0, 1.0], dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor([nan, inf, -inf, -0., 1.])',
        id='nan-inf-negzero',
    ),
    pytest.param(
        np.array([np.nan, -np.inf, 0.5, -2.25], dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor([    nan,    -inf,  0.5000, -2.2500])',
        id='nan-inf-fixed',
    ),
    pytest.param(
        np.array([1111.8179, 434.1864, 1381.8116], dtype=np.float32),
        {'grad_fn_name': 'MulBackward0'},
        {},
        np.float32,
        'tensor([1111.8179,  434.1864, 1381.8116], grad_fn=<MulBackward0>)',
        id='seed-mul',
    ),
    pytest.param(
        np.array([[-1.0540, -0.5899], [1.1447, -1.4761]], dtype=np.float32),
        {},
        {},
        np.float32,
        (
            'tensor([[-1.0540, -0.5899],\n'
            '        [ 1.1447, -1.4761]])'
        ),
        id='seed-randn',
    ),
    pytest.param(
        np.array([[-3, 2], [10, -100]], dtype=np.float32),
        {},
        {},
        np.float32,
        (
            'tensor([[  -3.,    2.],\n'
            '        [  10., -100.]])'
        ),
        id='negative-ints-as-float',
    ),
    pytest.param(
        np.array([1.0, 10.0, 100000.0], dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor([1.0000e+00, 1.0000e+01, 1.0000e+05])',
        id='int-mode-large-range-sci',
    ),
    pytest.param(
        np.array([2.0, 300000000.0], dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor([2.0000e+00, 3.0000e+08])',
        id='int-mode-above-1e8-sci',
    ),
    pytest.param(
        np.array([0.00001, 0.5, -0.25], dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor([ 1.0000e-05,  5.0000e-01, -2.5000e-01])',
        id='tiny-values-sci',
    ),
    pytest.param(
        np.array([0.1, 0.2, 0.3], dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor([0.1000, 0.2000, 0.3000])',
        id='float32-rounding',
    ),
    pytest.param(
        np.zeros((2, 3), dtype=np.float32),
        {},
        {},
        np.float32,
        (
            'tensor([[0., 0., 0.],\n'
            '        [0., 0., 0.]])'
        ),
        id='all-zero',
    ),
    pytest.param(
        np.array(-1.5, dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor(-1.5000)',
        id='scalar-negative',
    ),
    pytest.param(
        np.array(3.0, dtype=np.float32),
        {'requires_grad': True},
        {},
        np.float32,
        'tensor(3., requires_grad=True)',
        id='scalar-int-float',
    ),
    pytest.param(
        np.zeros(0, dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor([])',
        id='empty-1d',
    ),
    pytest.param(
        np.zeros(0, dtype=np.int64),
        {},
        {},
        np.float32,
        'tensor([], dtype=funcgrad.int64)',
        id='empty-1d-int64',
    ),
    pytest.param(
        np.zeros((0, 3), dtype=np.float32),
        {},
        {},
        np.float32,
        'tensor([], size=(0, 3))',
        id='empty-0x3',
    ),
    pytest.param(
        np.zeros((0, 3), dtype=np.float64),
        {},
        {},
        np.float32,
        'tensor([], size=(0, 3), dtype=funcgrad.float64)',
        id='empty-0x3-float64',
    ),
    pytest.param(
        np.array([[1, -20], [300, 4]], dtype=np.int32),
        {},
        {},
        np.float32,
        (
            'tensor([[  1, -20],\n'
            '        [300,   4]], dtype=funcgrad.int32)'
        ),
        id='int32',
    ),
    pytest.param(
        np.array([-128, 0, 127], dtype=np.int8),
        {},
        {},
        np.float32,
        'tensor([-128,    0,  127], dtype=funcgrad.int8)',
        id='int8',
    ),
    pytest.param(
        np.array([0, 7, 255], dtype=np.uint8),
        {},
        {},
        np.float32,
        'tensor([  0,   7, 255], dtype=funcgrad.uint8)',
        id='uint8',
    ),
    pytest.param(
        np.array([[True, False], [False, True]]),
        {},
        {},
        np.float32,
        (
            'tensor([[ True, False],\n'
            '        [False,  True]])'
        ),
        id='bool-matrix',
    ),
    pytest.param(
        np.array([0.1, 1.5, 65504.0], dtype=np.float16),
        {},
        {},
        np.float32,
        'tensor([9.9976e-02, 1.5000e+00, 6.5504e+04], dtype=funcgrad.float16)',
        id='float16',
    ),
    pytest.param(
        np.array([1.0, 2.5, -3.125], dtype=np.float64),
        {},
        {},
        np.float32,
        'tensor([ 1.0000,  2.5000, -3.1250], dtype=funcgrad.float64)',
        id='float64',
    ),
    pytest.param(
        np.array([1 + 2j, 3 - 4j, -0.5 + 0j], dtype=np.complex64),
        {},
        {},
        np.float32,
        'tensor([ 1.0000+2.j,  3.0000-4.j, -0.5000+0.j])',
        id='complex64',
    ),
    pytest.param(
        np.array([1 + 2j, 3 - 4j], dtype=np.complex64),
        {},
        {},
        np.float32,
        'tensor([1.+2.j, 3.-4.j])',
        id='complex64-int-mode',
    ),
    pytest.param(
        np.array([1.5 - 2.25j], dtype=np.complex128),
        {},
        {},
        np.float32,
        'tensor([1.5000-2.2500j], dtype=funcgrad.complex128)',
        id='complex128',
    ),
    pytest.param(
        np.array([1.0, 2.5], dtype=np.float32),
        {},
        {},
        np.float64,
        'tensor([1.0000, 2.5000], dtype=funcgrad.float32)',
        id='default-f64-float32',
    ),
    pytest.param(
        np.array([1.0, 2.5], dtype=np.float64),
        {},
        {},
        np.float64,
        'tensor([1.0000, 2.5000])',
        id='default-f64-float64',
    ),
    pytest.param(
        np.array([1 + 1j], dtype=np.complex128),
        {},
        {},
        np.float64,
        'tensor([1.+1.j])',
        id='default-f64-complex128',
    ),
    pytest.param(
        np.array([1 + 1j], dtype=np.complex64),
        {},
        {},
        np.float64,
        'tensor([1.+1.j], dtype=funcgrad.complex64)',
        id='default-f64-complex64',
    ),
    pytest.param(
        np.zeros(0, dtype=np.float32),
        {},
        {},
        np.float64,
        'tensor([], dtype=funcgrad.float32)',
        id='default-f64-empty-float32',
    ),
    pytest.param(
        np.arange(2000, dtype=np.float32) / 8,
        {},
        {},
        np.float32,
        (
            'tensor([0.0000e+00, 1.2500e-01, 2.5000e-01,  ..., 2.4962e+02, 2.4975e+02,\n'
            '        2.4988e+02])'
        ),
        id='summarised-2000',
    ),
    pytest.param(
        (np.arange(1600, dtype=np.float32).reshape(40, 40) % 13 - 6) / 4,
        {},
        {},
        np.float32,
        (
            'tensor([[-1.5000, -1.2500, -1.0000,  ...,  1.2500,  1.5000, -1.5000],\n'
            '        [-1.2500, -1.0000, -0.7500,  ...,  1.5000, -1.5000, -1.2500],\n'
            '        [-1.0000, -0.7500, -0.5000,  ..., -1.5000, -1.2500, -1.0000],\n'
            '        ...,\n'
            '        [ 1.2500,  1.5000, -1.5000,  ...,  0.7500,  1.0000,  1.2500],\n'
            '        [ 1.5000, -1.5000, -1.2500,  ...,  1.0000,  1.2500,  1.5000],\n'
            '        [-1.5000, -1.2500, -1.0000,  ...,  1.2500,  1.5000, -1.5000]])'
        ),
        id='summarised-40x40',
    ),
    pytest.param(
        np.arange(8000, dtype=np.int64).reshape(20, 20, 20) - 4000,
        {},
        {},
        np.float32,
        (
            'tensor([[[-4000, -3999, -3998,  ..., -3983, -3982, -3981],\n'
            '         [-3980, -3979, -3978,  ..., -3963, -3962, -3961],\n'
            '         [-3960, -3959, -3958,  ..., -3943, -3942, -3941],\n'
            '         ...,\n'
            '         [-3660, -3659, -3658,  ..., -3643, -3642, -3641],\n'
            '         [-3640, -3639, -3638,  ..., -3623, -3622, -3621],\n'
            '         [-3620, -3619, -3618,  ..., -3603, -3602, -3601]],\n'
            '\n'
            '        [[-3600, -3599, -3598,  ..., -3583, -3582, -3581],\n'
            '         [-3580, -3579, -3578,  ..., -3563, -3562, -3561],\n'
            '         [-3560, -3559, -3558,  ..., -3543, -3542, -3541],\n'
            '         ...,\n'
            '         [-3260, -3259, -3258,  ..., -3243, -3242, -3241],\n'
            '         [-3240, -3239, -3238,  ..., -3223, -3222, -3221],\n'
            '         [-3220, -3219, -3218,  ..., -3203, -3202, -3201]],\n'
            '\n'
            '        [[-3200, -3199, -3198,  ..., -3183, -3182, -3181],\n'
            '         [-3180, -3179, -3178,  ..., -3163, -3162, -3161],\n'
            '         [-3160, -3159, -3158,  ..., -3143, -3142, -3141],\n'
            '         ...,\n'
            '         [-2860, -2859, -2858,  ..., -2843, -2842, -2841],\n'
            '         [-2840, -2839, -2838,  ..., -2823, -2822, -2821],\n'
            '         [-2820, -2819, -2818,  ..., -2803, -2802, -2801]],\n'
            '\n'
            '        ...,\n'
            '\n'
            '        [[ 2800,  2801,  2802,  ...,  2817,  2818,  2819],\n'
            '         [ 2820,  2821,  2822,  ...,  2837,  2838,  2839],\n'
            '         [ 2840,  2841,  2842,  ...,  2857,  2858,  2859],\n'
            '         ...,\n'
            '         [ 3140,  3141,  3142,  ...,  3157,  3158,  3159],\n'
            '         [ 3160,  3161,  3162,  ...,  3177,  3178,  3179],\n'
            '         [ 3180,  3181,  3182,  ...,  3197,  3198,  3199]],\n'
            '\n'
            '        [[ 3200,  3201,  3202,  ...,  3217,  3218,  3219],\n'
            '         [ 3220,  3221,  3222,  ...,  3237,  3238,  3239],\n'
            '         [ 3240,  3241,  3242,  ...,  3257,  3258,  3259],\n'
            '         ...,\n'
            '         [ 3540,  3541,  3542,  ...,  3557,  3558,  3559],\n'
            '         [ 3560,  3561,  3562,  ...,  3577,  3578,  3579],\n'
            '         [ 3580,  3581,  3582,  ...,  3597,  3598,  3599]],\n'
            '\n'
            '        [[ 3600,  3601,  3602,  ...,  3617,  3618,  3619],\n'
            '         [ 3620,  3621,  3622,  ...,  3637,  3638,  3639],\n'
            '         [ 3640,  3641,  3642,  ...,  3657,  3658,  3659],\n'
            '         ...,\n'
            '         [ 3940,  3941,  3942,  ...,  3957,  3958,  3959],\n'
            '         [ 3960,  3961,  3962,  ...,  3977,  3978,  3979],\n'
            '         [ 3980,  3981,  3982,  ...,  3997,  3998,  3999]]])'
        ),
        id='summarised-20x20x20',
    ),
    pytest.param(
        np.concatenate([np.ones(3), np.full(1000, 123456.5), np.ones(3)]).astype(np.float32),
        {},
        {},
        np.float32,
        'tensor([1., 1., 1.,  ..., 1., 1., 1.])',
        id='summarised-formatter-ignores-hidden',
    ),
    pytest.param(
        (np.arange(30, dtype=np.float32) - 15) / 7,
        {},
        {},
        np.float32,
        (
            'tensor([-2.1429, -2.0000, -1.8571, -1.7143, -1.5714, -1.4286, -1.2857, -1.1429,\n'
            '        -1.0000, -0.8571, -0.7143, -0.5714, -0.4286, -0.2857, -0.1429,  0.0000,\n'
            '         0.1429,  0.2857,  0.4286,  0.5714,  0.7143,  0.8571,  1.0000,  1.1429,\n'
            '         1.2857,  1.4286,  1.5714,  1.7143,  1.8571,  2.0000])'
        ),
        id='wrapped-1d',
    ),
    pytest.param(
        np.arange(17, dtype=np.float64) * 1.5,
        {'grad_fn_name': 'AddBackward0'},
        {},
        np.float32,
        (
            'tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n'
            '        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n'
            '        24.0000], dtype=funcgrad.float64, grad_fn=<AddBackward0>)'
        ),
        id='long-suffix-wrap',
    ),
    pytest.param(
        np.arange(20, dtype=np.int32).reshape(2, 10) * 1000,
        {},
        {},
        np.float32,
        (
            'tensor([[    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000],\n'
            '        [10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000]],\n'
            '       dtype=funcgrad.int32)'
        ),
        id='suffix-wrap-after-dtype',
    ),
    pytest.param(
        np.arange(14, dtype=np.int32).reshape(2, 7) * 1000,
        {},
        {},
        np.float32,
        (
            'tensor([[    0,  1000,  2000,  3000,  4000,  5000,  6000],\n'
            '        [ 7000,  8000,  9000, 10000, 11000, 12000, 13000]], dtype=funcgrad.int32)'
        ),
        id='suffix-measured-as-torch',
    ),
    pytest.param(
        np.arange(12, dtype=np.float32).reshape(2, 2, 3),
        {},
        {},
        np.float32,
        (
            'tensor([[[ 0.,  1.,  2.],\n'
            '         [ 3.,  4.,  5.]],\n'
            '\n'
            '        [[ 6.,  7.,  8.],\n'
            '         [ 9., 10., 11.]]])'
        ),
        id='3d',
    ),
    pytest.param(
        np.arange(16, dtype=np.int64).reshape(2, 2, 2, 2),
        {},
        {},
        np.float32,
        (
            'tensor([[[[ 0,  1],\n'
            '          [ 2,  3]],\n'
            '\n'
            '         [[ 4,  5],\n'
            '          [ 6,  7]]],\n'
            '\n'
            '\n'
            '        [[[ 8,  9],\n'
            '          [10, 11]],\n'
            '\n'
            '         [[12, 13],\n'
            '          [14, 15]]]])'
        ),
        id='4d',
    ),
    pytest.param(
        np.arange(6, dtype=np.float32).reshape(2, 3).T / 2,
        {},
        {},
        np.float32,
        (
            'tensor([[0.0000, 1.5000],\n'
            '        [0.5000, 2.0000],\n'
            '        [1.0000, 2.5000]])'
        ),
        id='non-contiguous',
    ),
    pytest.param(
        np.array([3.14159, -2.71828], dtype=np.float32),
        {},
        {'precision': 2},
        np.float32,
        'tensor([ 3.14, -2.72])',
        id='precision-2',
    ),
    pytest.param(
        np.array([102.4, 1024.0, 0.1024], dtype=np.float32),
        {},
        {'sci_mode': False},
        np.float32,
        'tensor([ 102.4000, 1024.0000,    0.1024])',
        id='sci-mode-false',
    ),
    pytest.param(
        np.array([1.5, 2.0], dtype=np.float32),
        {},
        {'sci_mode': True},
        np.float32,
        'tensor([1.5000e+00, 2.0000e+00])',
        id='sci-mode-true',
    ),
    pytest.param(
        np.arange(10),
        {},
        {'threshold': 5},
        np.float32,
        'tensor([0, 1, 2,  ..., 7, 8, 9])',
        id='threshold-5',
    ),
    pytest.param(
        np.arange(2000, dtype=np.float32) / 3,
        {},
        {'profile': 'short'},
        np.float32,
        'tensor([0.00e+00, 3.33e-01,  ..., 6.66e+02, 6.66e+02])',
        id='profile-short',
    ),
    pytest.param(
        np.arange(1001) % 10,
        {},
        {'profile': 'full'},
        np.float32,
        (
            'tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n'
            '        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n'
            '        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n'
            '        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n'
            '        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n'
            '        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n'
            '        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n'
            '        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n'
            '        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n'
            '        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n'
            '        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n'
            '        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n'
            '        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n'
            '        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n'
            '        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n'
            '        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n'
            '        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n'
            '        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n'
            '        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n'
            '        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n'
            '        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n'
            '        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n'
            '        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n'
            '        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n'
            '        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n'
            '        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n'
            '        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n'
            '        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n'
            '        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n'
            '        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n'
            '        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n'
            '        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n'
            '        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n'
            '        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n'
            '        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n'
            '        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n'
            '        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7,\n'
            '        8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,\n'
            '        2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,\n'
            '        6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,\n'
            '        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3,\n'
            '        4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0])'
        ),
        id='profile-full',
    ),
    pytest.param(
        np.arange(20).reshape(4, 5),
        {},
        {'threshold': 5, 'edgeitems': 0},
        np.float32,
        'tensor([...], size=(4, 5))',
        id='edgeitems-0',
    ),
    pytest.param(
        np.array([1.0, 2.0], dtype=np.float32),
        {'device': 'cuda:0'},
        {},
        np.float32,
        "tensor([1., 2.], device='cuda:0')",
        id='device',
    ),
    pytest.param(
        np.array([1.0, 2.0], dtype=np.float64),
        {'device': 'cuda:0', 'grad_fn_name': 'AddBackward0'},
        {},
        np.float32,
        "tensor([1., 2.], device='cuda:0', dtype=funcgrad.float64, grad_fn=<AddBackward0>)",
        id='device-grad-fn',
    ),
]


@pytest.mark.parametrize("data, kwargs, options, default_dtype, expected", CASES)
def test_matches_torch(data, kwargs, options, default_dtype, expected):
    set_printoptions(**options)
    assert tensor_repr(data, default_dtype=default_dtype, **kwargs) == expected


def test_default_printoptions():
    assert get_printoptions() == {
        "precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None,
    }


def test_profiles_and_explicit_overrides():
    set_printoptions(profile="full", precision=6)
    opts = get_printoptions()
    assert opts["threshold"] == math.inf and opts["precision"] == 6
    set_printoptions(profile="short")
    assert get_printoptions()["precision"] == 2 and get_printoptions()["edgeitems"] == 2


def test_sci_mode_resets_when_not_passed():
    # As in torch, every call assigns sci_mode, so omitting it means automatic.
    set_printoptions(sci_mode=True)
    set_printoptions(precision=4)
    assert get_printoptions()["sci_mode"] is None


def test_get_printoptions_returns_a_copy():
    get_printoptions()["precision"] = 9
    assert get_printoptions()["precision"] == 4


def test_unknown_profile_rejected():
    with pytest.raises(ValueError):
        set_printoptions(profile="tiny")


def test_restoring_defaults_restores_output():
    data = np.array([3.14159], dtype=np.float32)
    set_printoptions(precision=2)
    assert tensor_repr(data, default_dtype=np.float32) == "tensor([3.14])"
    set_printoptions(profile="default")
    assert tensor_repr(data, default_dtype=np.float32) == "tensor([3.1416])"
