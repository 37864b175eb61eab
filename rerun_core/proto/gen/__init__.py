"""Generated protobuf + gRPC modules. Do not edit: run scripts/gen_proto.py."""
