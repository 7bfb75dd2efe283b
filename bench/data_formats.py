"""Synthetic corpora in the real on-disk formats the host's dataset plugins read.

Each writer returns the same data as tensors or id lists, so that the PyTorch reference
trains on exactly what the host reads.
"""
import os
import struct

import torch


def write_idx(root, prefix, images, labels):
    """MNIST's IDX files: big-endian magic 0x0803 / 0x0801, then the dimensions, then uint8 data."""
    os.makedirs(root, exist_ok=True)
    n, h, w = images.shape
    with open(os.path.join(root, f"{prefix}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x0803, n, h, w) + images.numpy().tobytes())
    with open(os.path.join(root, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x0801, n) + labels.to(torch.uint8).numpy().tobytes())


def mnist_like(root, train, test, generator):
    """Random 28x28 digits; returns the training images (uint8, N x 1 x 28 x 28) and labels."""
    images = torch.randint(0, 256, (train + test, 28, 28), generator=generator, dtype=torch.uint8)
    labels = torch.randint(0, 10, (train + test,), generator=generator)
    write_idx(root, "train", images[:train], labels[:train])
    write_idx(root, "t10k", images[train:], labels[train:])
    return images[:train].unsqueeze(1), labels[:train]


def cifar_like(root, train, test, generator):
    """CIFAR-10's binary version: records of one label byte and 3072 bytes (R, G, B planes)."""
    os.makedirs(root, exist_ok=True)
    images = torch.randint(0, 256, (train + test, 3, 32, 32), generator=generator, dtype=torch.uint8)
    labels = torch.randint(0, 10, (train + test,), generator=generator)
    records = torch.cat([labels.to(torch.uint8).unsqueeze(1), images.flatten(1)], 1)
    per_file = (train + 4) // 5
    for i in range(5):
        with open(os.path.join(root, f"data_batch_{i + 1}.bin"), "wb") as f:
            f.write(records[i * per_file:min((i + 1) * per_file, train)].numpy().tobytes())
    with open(os.path.join(root, "test_batch.bin"), "wb") as f:
        f.write(records[train:].numpy().tobytes())
    return images[:train], labels[:train]


def words(count):
    """`count` distinct lower-case words (w0, w1, ...): the whitespace tokeniser keeps them whole."""
    return [f"w{i}" for i in range(count)]


def sst2_like(root, train, test, vocabulary, generator):
    """GLUE SST-2's train.tsv and dev.tsv. Sentence lengths follow SST-2's training phrases
    (mostly short, a long tail up to ~50 words); the training sentences hold every word of
    `vocabulary` (a permutation comes first), so that the host's 20k-word vocabulary fills up.
    Returns the training split's id lists (ids from 2: the host's <pad> is 0, <unk> 1) and labels."""
    os.makedirs(root, exist_ok=True)
    vocab = words(vocabulary - 2)
    uniform = torch.rand(train + test, generator=generator, dtype=torch.float64)
    lengths = (2 - 9.0 * torch.log1p(-uniform)).long().clamp(max=52)  # 2 + Exp(mean 9)
    stream = torch.cat([torch.randperm(len(vocab), generator=generator),
                        torch.randint(0, len(vocab), (int(lengths.sum()),), generator=generator)])
    labels = torch.randint(0, 2, (train + test,), generator=generator)
    sentences, start = [], 0
    for length in lengths.tolist():
        sentences.append(stream[start:start + length].tolist())
        start += length
    if int(lengths[:train].sum()) < len(vocab):
        raise ValueError(f"{train} training sentences are too few to hold {len(vocab)} words")
    for name, rows in (("train.tsv", range(train)), ("dev.tsv", range(train, train + test))):
        with open(os.path.join(root, name), "w") as f:
            f.write("sentence\tlabel\n")
            for i in rows:
                f.write(" ".join(vocab[t] for t in sentences[i]) + f"\t{int(labels[i])}\n")
    return [[t + 2 for t in s] for s in sentences[:train]], labels[:train]


def wikitext_like(root, train_tokens, vocabulary, generator):
    """WikiText-2's wiki.{train,valid,test}.tokens: lines of space-separated words. The training
    text holds every word of the vocabulary (the host adds <pad>, <unk>, <eos>). Returns the
    training token ids with the host's <eos> (2) after each line, ids of words from 3."""
    os.makedirs(root, exist_ok=True)
    vocab = words(vocabulary - 3)
    stream = torch.cat([torch.randperm(len(vocab), generator=generator),
                        torch.randint(0, len(vocab), (max(0, train_tokens - len(vocab)),), generator=generator)])
    ids, line = [], []
    with open(os.path.join(root, "wiki.train.tokens"), "w") as f:
        for i, t in enumerate(stream.tolist()):
            line.append(t)
            if len(line) == 100 or i == len(stream) - 1:  # WikiText's paragraphs are ~100 words
                f.write(" " + " ".join(vocab[w] for w in line) + " \n")
                ids += [w + 3 for w in line] + [2]
                line = []
    for name in ("wiki.valid.tokens", "wiki.test.tokens"):
        with open(os.path.join(root, name), "w") as f:
            f.write(" " + " ".join(vocab[:200]) + " \n")
    return ids
