"""Fixtures of the command tests."""

import pytest


@pytest.fixture
def one_thread():
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the shared test machine; the shipped model is small
    yield
    torch.set_num_threads(threads)
