"""opkit's random draws, reproduced bit for bit in Python: the initial weights of an FNO and the
per-epoch batch orders of the trainer, for a training seed. With them a PyTorch transcription
can start from the very draw opkit started from ("same start"), so that a difference between
the two trainings is one of arithmetic, and two trainings from the same draw can be compared
seed by seed (paired) instead of across independent draws.

What is reproduced (and checked against the Swift code by
Tests/TrainingTests/DrawReproductionTests.swift):
- `SplitMix64(seed:)` and `SplitMix64(seed:stream:)` (Sources/Tensors/SplitMix64.swift);
- `uniformFloat(in:)`: the low 24 bits of a draw scaled to [lower, upper) in Float arithmetic,
  redrawn if it rounds to `upper` (Sources/Tensors/RandomNumberGenerator+UniformFloat.swift);
- Swift's `shuffle(using:)`: Fisher–Yates from the front, each index drawn with
  `next(upperBound:)` (Lemire's multiply-high method with rejection);
- `FNO(configuration, using:)`: lifting, the spectral layers, the skips, then the two
  projections, each convolution's weight before its bias, all from one generator seeded with
  the training seed (Sources/Training/TrainingRun.swift);
- `batchIndices(size:epoch:seed:)`: epoch `e` shuffles 0..<N with stream `e` of the seed.

Tensor names and layouts are opkit's parameter paths (`network.spectral.{i}.weight` is
`[2, m₁, m₂, in, out, 2]`), as in an opkit checkpoint of an `fno-rollout` model.

Usage as a module: `fno_rollout_initial_weights(seed, ...)`, `batch_orders(seed, epochs, count)`.
"""
import numpy as np

MASK = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def _mix(z):
    """SplitMix64's output function."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class SplitMix64:
    """opkit's generator: `SplitMix64(seed)` or, with `stream`, `SplitMix64(seed:stream:)`."""

    def __init__(self, seed, stream=None):
        self.state = seed & MASK if stream is None else _mix((_mix(seed & MASK) + stream * GOLDEN_GAMMA) & MASK)

    def next(self):
        """The next 64 random bits."""
        self.state = (self.state + GOLDEN_GAMMA) & MASK
        return _mix(self.state)

    def below(self, bound):
        """Swift's `next(upperBound:)`: uniform in 0..<bound without modulo bias."""
        product = self.next() * bound
        if product & MASK < bound:
            threshold = ((1 << 64) - bound) % bound
            while product & MASK < threshold:
                product = self.next() * bound
        return product >> 64

    def uniform_floats(self, count, lower, upper):
        """`count` draws of opkit's `uniformFloat(in: lower..<upper)`, as float32."""
        lower, upper = np.float32(lower), np.float32(upper)
        delta = np.float32(upper - lower)
        values = np.empty(count, dtype=np.float32)
        for k in range(count):
            while True:
                fraction = np.float32(np.float32(self.next() & 0xFFFFFF) * np.float32(2.0 ** -24))
                value = np.float32(np.float32(delta * fraction) + lower)
                if value != upper:
                    break
            values[k] = value
        return values

    def shuffled(self, count):
        """Swift's `Array(0..<count).shuffle(using:)`."""
        order = list(range(count))
        for i in range(count - 1):
            j = i + self.below(count - i)
            order[i], order[j] = order[j], order[i]
        return order


def fno_initial_weights(generator, inputs, outputs, modes, width, layers, projection, prefix=""):
    """The weights `FNO(configuration, using: &generator)` draws for a 2-D FNO with coordinates
    appended: PyTorch's default bounds ±1/√fan_in for the pointwise convolutions (weight, then
    bias) and [0, 1/width²) for both parts of the spectral weights."""
    tensors = {}

    def convolution(name, channels_in, channels_out):
        bound = np.float32(1) / np.sqrt(np.float32(channels_in))
        tensors[f"{prefix}{name}.weight"] = generator.uniform_floats(channels_out * channels_in, -bound, bound).reshape(
            channels_out, channels_in, 1, 1)
        tensors[f"{prefix}{name}.bias"] = generator.uniform_floats(channels_out, -bound, bound)

    convolution("lifting", inputs + 2, width)
    scale = np.float32(1) / np.float32(width * width)
    for i in range(layers):
        shape = (2, modes, modes, width, width, 2)
        tensors[f"{prefix}spectral.{i}.weight"] = generator.uniform_floats(int(np.prod(shape)), 0, scale).reshape(shape)
    for i in range(layers):
        convolution(f"skip.{i}", width, width)
    convolution("projection1", width, projection)
    convolution("projection2", projection, outputs)
    return tensors


def fno_rollout_initial_weights(seed, steps_in=10, modes=12, width=20, layers=4, projection=128):
    """The initial weights of `opkit train fno --mode rollout --seed SEED` (the `network.*`
    tensors of an `fno-rollout` checkpoint)."""
    return fno_initial_weights(SplitMix64(seed), steps_in, 1, modes, width, layers, projection, prefix="network.")


def batch_orders(seed, epochs, count):
    """The order in which opkit's trainer visits the `count` training samples in each of
    `epochs` epochs (batches are consecutive runs of it)."""
    return [SplitMix64(seed, stream=epoch).shuffled(count) for epoch in range(epochs)]
