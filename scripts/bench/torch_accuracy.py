"""Reference anchor for accuracy: PyTorch trains the zoo's models on the real Fashion-MNIST the way bench:train trains
ours (batch 64, Adam lr 1e-3, no augmentation, a fresh shuffle per epoch, the last partial batch kept, 2 threads) and
reports top-1 accuracy on the whole test split. A reference only, never a dependency of the product.

Usage: python3 torch_accuracy.py --data DIR [--models bench-cnn,mobilenet-v2,resnet] [--epochs 1] [--limit N]
                                 [--seed 1] [--threads 2] [--init torch|lab]
Prints one JSON line: {"bench-cnn": {"testAccuracy": …, "trainAccuracy": …, "params": …, "seconds": …}, …}

The networks: bench-cnn and ResNet-20 are torch_zoo.py's (the same layers and parameter count as our zoo's).
torch_zoo.py's MobileNetV2-0.5 is not our zoo's network (it has ReLU, two blocks of 32 channels and stride 1 at 64,
a 160-channel head and dropout; ours, lib/ml/models/zoo.ts, has ReLU6, three blocks of 32, stride 2 at 64, a
256-channel head and no dropout: 63,690 vs 73,802 trainable parameters), so comparing accuracies needs ours,
rebuilt here as lab_mobilenet_v2. bench:train checks that every network here has our parameter count.

--init torch (default) keeps PyTorch's own initialisation and BatchNorm epsilon (what a PyTorch user gets); --init
lab uses ours: He-normal convolutions, Glorot-uniform dense kernel with a zero bias, BatchNorm epsilon 1e-3 and Adam
epsilon 1e-7 (Keras' and tfjs' defaults), so that only the engines differ."""
import argparse, gzip, json, math, os, sys, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_zoo import CH, bench_cnn, resnet  # noqa: E402


def read_idx(path):
    """An IDX file (gzip-compressed or not) as a numpy array: magic 0x0000 0x08 rank, then rank big-endian dims."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(shape)


def split(data_dir, name):
    find = lambda what: next(os.path.join(data_dir, f) for f in sorted(os.listdir(data_dir)) if f.startswith(f"{name}-{what}"))
    images = torch.from_numpy(read_idx(find("images")).copy()).float().div_(255).unsqueeze(1)  # N,1,28,28 in [0, 1]
    labels = torch.from_numpy(read_idx(find("labels")).astype(np.int64))
    return images, labels


def make_divisible(v):
    """lib/ml/models/architecture.ts makeDivisible: JavaScript's Math.round (half up), not Python's round (half even)."""
    return max(8, math.floor(v / 8 + 0.5) * 8)


def cbr6(i, o, k=3, s=1, g=1):
    return [nn.Conv2d(i, o, k, s, k // 2, groups=g, bias=False), nn.BatchNorm2d(o), nn.ReLU6(inplace=True)]


class LabInvertedResidual(nn.Module):
    def __init__(self, i, o, stride, expansion):
        super().__init__()
        h = i * expansion
        self.residual = stride == 1 and i == o
        self.body = nn.Sequential(*(cbr6(i, h, 1) if expansion != 1 else []), *cbr6(h, h, 3, stride, h),
                                  nn.Conv2d(h, o, 1, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def lab_mobilenet_v2(width=0.5, classes=10):
    """lib/ml/models/zoo.ts mobileNetV2 with the zoo's knobs (MOBILENET_V2_STAGES, expansion 6, kernel 3)."""
    stages = [(16, 1, 1), (24, 2, 2), (32, 3, 2), (64, 2, 2), (96, 1, 1)]
    channels = make_divisible(32 * width)
    layers = cbr6(CH, channels)
    for s, (c, repeats, stride) in enumerate(stages):
        out = make_divisible(c * width)
        for k in range(repeats):
            layers.append(LabInvertedResidual(channels, out, stride if k == 0 else 1, 1 if s == 0 else 6))
            channels = out
    head = make_divisible(256 * max(1, width))
    layers += cbr6(channels, head, 1)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(head, classes)]
    return nn.Sequential(*layers)


MODELS = {"bench-cnn": bench_cnn, "mobilenet-v2": lambda: lab_mobilenet_v2(0.5), "resnet": resnet}


def lab_init(net):
    """Our zoo's initialisers (lib/ml/models/blocks.ts) and Keras' BatchNorm epsilon."""
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            # tf.initializers.heNormal: normal with stddev sqrt(2 / fan_in) truncated at 2 sd, fan_in as tfjs counts it
            # for a [k, k, in, out] kernel: in * k * k, also for a depthwise one (its [k, k, channels, 1] kernel)
            sd = math.sqrt(2 / (m.in_channels * m.kernel_size[0] * m.kernel_size[1]))
            nn.init.trunc_normal_(m.weight, 0, sd, -2 * sd, 2 * sd)
        elif isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            m.eps = 1e-3


def accuracy(net, images, labels):
    net.eval()
    with torch.no_grad():
        correct = sum((net(images[i:i + 1000]).argmax(1) == labels[i:i + 1000]).sum().item() for i in range(0, len(labels), 1000))
    return correct / len(labels)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--models", default="bench-cnn")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--limit", type=int)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--init", choices=["torch", "lab"], default="torch")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    train_x, train_y = split(a.data, "train")
    if a.limit:  # the first N, as bench:train's head()
        train_x, train_y = train_x[:a.limit], train_y[:a.limit]
    test_x, test_y = split(a.data, "t10k")
    out = {}
    for name in a.models.split(","):
        torch.manual_seed(a.seed)
        net = MODELS[name]()
        if a.init == "lab":
            lab_init(net)
        opt = torch.optim.Adam(net.parameters(), 1e-3, eps=1e-7 if a.init == "lab" else 1e-8)
        t0 = time.time()
        correct = seen = 0
        for _ in range(a.epochs):
            net.train()
            order = torch.randperm(len(train_y))
            correct = seen = 0
            for b in range(0, len(train_y), 64):
                idx = order[b:b + 64]
                x, y = train_x[idx], train_y[idx]
                opt.zero_grad()
                logits = net(x)
                F.cross_entropy(logits, y).backward()
                opt.step()
                correct += (logits.argmax(1) == y).sum().item()
                seen += len(y)
        seconds = time.time() - t0
        out[name] = {"testAccuracy": round(accuracy(net, test_x, test_y), 4), "trainAccuracy": round(correct / seen, 4),
                     "params": sum(p.numel() for p in net.parameters()), "seconds": round(seconds, 1)}
        print(f"{name}: {json.dumps(out[name])}", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
