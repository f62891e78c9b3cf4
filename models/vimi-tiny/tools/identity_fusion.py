#!/usr/bin/python3
"""Writes the identity fusion graph that tools/TextStates.java plugs into the mllm encoder to read
MiniLM's own token states (hidden_states -> hidden_states)."""
import sys
import torch


class Identity(torch.nn.Module):
    def forward(self, hidden_states):
        return hidden_states * 1.0


out = sys.argv[1]
x = torch.zeros(1, 5, 384)
torch.onnx.export(Identity(), (x,), out, input_names=["hidden_states"], output_names=["out"],
                  dynamic_axes={"hidden_states": {1: "n"}, "out": {1: "n"}}, opset_version=14)
print("wrote", out)
