"""Float64 reference for the zoo's MobileNetV2-0.5 gradients: reads scripts/bench/zoo-gradients.ts's JSON (batch,
weights, onednn and cpu gradients), computes the same network's gradients in float64 with PyTorch (TF's asymmetric
"same" padding, BatchNorm epsilon 1e-3, ReLU6) and prints how far each backend is from them per tensor, as
max |a - exact| / max(max |exact|, 1e-2) (the test's measure), and the BatchNorm pre-activations nearest to the ReLU
kink at 0. A diagnostic reference only, never a dependency. Usage: python3 torch_gradcheck.py FILE.json"""
import json, math, sys
import torch, torch.nn.functional as F

torch.set_num_threads(2)
d = json.load(open(sys.argv[1]))
weights = iter(d["weights"])
params, pre = [], []


def param():
    w = next(weights)
    p = torch.tensor(w["values"], dtype=torch.float64).reshape(w["shape"]).requires_grad_(True)
    params.append(p)
    return p


def conv(x, depthwise=False, stride=1):
    w = param()  # tfjs layout [kh, kw, in, out], depthwise [kh, kw, channels, 1]
    k, h = w.shape[0], x.shape[2]
    pad = max((math.ceil(h / stride) - 1) * stride + k - h, 0)  # TF "same": the odd pixel goes bottom/right
    x = F.pad(x, (pad // 2, pad - pad // 2, pad // 2, pad - pad // 2))
    return F.conv2d(x, w.permute(2, 3, 0, 1) if depthwise else w.permute(3, 2, 0, 1), stride=stride,
                    groups=x.shape[1] if depthwise else 1)


def batchnorm(x, relu6=True):
    gamma, beta = param(), param()
    mean = x.mean((0, 2, 3), keepdim=True)
    var = ((x - mean) ** 2).mean((0, 2, 3), keepdim=True)
    y = (x - mean) / torch.sqrt(var + 1e-3) * gamma.view(1, -1, 1, 1) + beta.view(1, -1, 1, 1)
    if relu6:
        pre.append((len(params) // 3, y.detach()))  # tfjs' bn_N: every BatchNorm follows a convolution
    return y.clamp(0, 6) if relu6 else y


def make_divisible(v):  # lib/ml/models/architecture.ts (Math.round rounds half up)
    return max(8, math.floor(v / 8 + 0.5) * 8)


x = torch.tensor(d["images"], dtype=torch.float64).reshape(-1, 1, 28, 28) / 255
x = batchnorm(conv(x))
channels = make_divisible(16)
for s, (c, repeats, stride) in enumerate([(16, 1, 1), (24, 2, 2), (32, 3, 2), (64, 2, 2), (96, 1, 1)]):
    out = make_divisible(c * 0.5)
    for i in range(repeats):
        y = x if s == 0 else batchnorm(conv(x))
        y = batchnorm(conv(y, True, stride if i == 0 else 1))
        y = batchnorm(conv(y), relu6=False)
        x = x + y if i > 0 or (stride == 1 and channels == out) else y
        channels = out
x = batchnorm(conv(x)).mean((2, 3))
kernel, bias = param(), param()
F.cross_entropy(x @ kernel + bias, torch.tensor(d["labels"])).backward()
assert len(params) == len(d["weights"]), "the network here does not match the dump's weights"

rows = []
for i, p in enumerate(params):
    exact = p.grad.flatten()
    scale = max(exact.abs().max().item(), 1e-2)
    off = {b: (torch.tensor(d[b][i], dtype=torch.float64) - exact).abs().max().item() / scale for b in ("onednn", "cpu")}
    rows.append((d["weights"][i]["name"], off["onednn"], off["cpu"]))
for name, a, c in sorted(rows, key=lambda r: -max(r[1], r[2]))[:10]:
    print(f"{name:28s} onednn {a:.2e}  cpu {c:.2e}")
print(f"max: onednn {max(r[1] for r in rows):.2e}, cpu {max(r[2] for r in rows):.2e} over {len(rows)} tensors")
nearest = sorted((t.abs().min().item(), n) for n, t in pre)[:3]
print("ReLU6 inputs nearest to the kink at 0:", ", ".join(f"{v:.1e} (bn_{n})" for v, n in nearest))
