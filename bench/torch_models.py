"""PyTorch equivalents of the host's models, op for op (plugins/models/vision/vision_models.cpp,
plugins/models/text/recurrent_models.cpp, transformer_models.cpp and transformer_blocks.h).
train_throughput.py checks that each has the host model's parameter count."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class CnnScratch(nn.Module):
    def __init__(self, in_channels=1, size=28, classes=10, channels=(32, 64), hidden=128, dropout=0.25):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, channels[0], 3, padding=1)
        self.conv2 = nn.Conv2d(channels[0], channels[1], 3, padding=1)
        self.fc1 = nn.Linear(channels[1] * (size // 4) * (size // 4), hidden)
        self.fc2 = nn.Linear(hidden, classes)
        self.dropout = dropout

    def forward(self, image):
        x = F.max_pool2d(F.relu(self.conv1(image)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc2(F.dropout(x, self.dropout, self.training))


class BasicBlock(nn.Module):
    def __init__(self, inp, out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out)
        self.conv2 = nn.Conv2d(out, out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.shortcut = None
        if stride != 1 or inp != out:
            self.shortcut = nn.Sequential(nn.Conv2d(inp, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.shortcut(x) if self.shortcut is not None else x))


class ResNet18(nn.Module):
    """CIFAR stem: one 3x3 stride-1 convolution, no max-pool."""

    def __init__(self, classes=10, width=64):
        super().__init__()
        self.stem = nn.Conv2d(3, width, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(width)
        blocks, inp = [], width
        for stage in range(4):
            out = width << stage
            for block in range(2):
                blocks.append(BasicBlock(inp, out, 2 if stage > 0 and block == 0 else 1))
                inp = out
        self.layers = nn.Sequential(*blocks)
        self.fc = nn.Linear(inp, classes)

    def forward(self, image):
        x = F.relu(self.bn(self.stem(image)))
        x = self.layers(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class LstmSentiment(nn.Module):
    def __init__(self, vocab=20000, classes=2, dim=128, hidden=256, dropout=0.5):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.classifier = nn.Linear(hidden, classes)
        self.dropout = dropout

    def forward(self, tokens, length):
        out = self.lstm(self.embedding(tokens))[0]
        last = (length.clamp(1, tokens.size(1)) - 1).view(-1, 1, 1).expand(-1, 1, out.size(2))
        return self.classifier(F.dropout(out.gather(1, last).squeeze(1), self.dropout, self.training))


class Attention(nn.Module):
    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.q_lin, self.k_lin, self.v_lin, self.out_lin = (nn.Linear(dim, dim) for _ in range(4))
        self.heads, self.dropout = heads, dropout

    def forward(self, x, allowed):
        b, t, d = x.shape
        dh = d // self.heads

        def split(y):
            return y.view(b, y.size(1), self.heads, dh).transpose(1, 2)

        scores = split(self.q_lin(x)).matmul(split(self.k_lin(x)).transpose(-1, -2)) / math.sqrt(dh)
        scores = scores.masked_fill(allowed.logical_not(), torch.finfo(scores.dtype).min)
        weights = F.dropout(torch.softmax(scores, -1), self.dropout, self.training)
        return self.out_lin(weights.matmul(split(self.v_lin(x))).transpose(1, 2).reshape(b, t, d))


class GptBlock(nn.Module):
    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim)
        self.attention = Attention(dim, heads, dropout)
        self.ln_2 = nn.LayerNorm(dim)
        self.lin1 = nn.Linear(dim, 4 * dim)
        self.lin2 = nn.Linear(4 * dim, dim)
        self.dropout = dropout

    def forward(self, x, causal):
        h = x + F.dropout(self.attention(self.ln_1(x), causal), self.dropout, self.training)
        mlp = self.lin2(F.gelu(self.lin1(self.ln_2(h)), approximate="tanh"))
        return h + F.dropout(mlp, self.dropout, self.training)


class GptSmall(nn.Module):
    """Pre-LayerNorm decoder, output layer tied to the token embedding."""

    def __init__(self, vocab=33278, context=128, dim=256, layers=4, heads=4, dropout=0.1):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.wpe = nn.Embedding(context, dim)
        self.h = nn.ModuleList(GptBlock(dim, heads, dropout) for _ in range(layers))
        self.ln_f = nn.LayerNorm(dim)
        self.dropout = dropout
        for m in self.modules():  # GPT-2 initialisation
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, 0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, tokens):
        t = tokens.size(1)
        causal = torch.ones(t, t, dtype=torch.bool, device=tokens.device).tril()
        x = self.wte(tokens) + self.wpe(torch.arange(t, device=tokens.device)).unsqueeze(0)
        x = F.dropout(x, self.dropout, self.training)
        for block in self.h:
            x = block(x, causal)
        return F.linear(self.ln_f(x), self.wte.weight)
