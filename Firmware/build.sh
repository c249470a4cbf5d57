#!/usr/bin/env bash
echo "Firmware build not yet written" >&2
