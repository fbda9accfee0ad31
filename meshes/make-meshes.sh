#!/usr/bin/env bash
# Regenerates the committed .msh files from their .geo sources (needs Debian's gmsh).
# The L-shape is written in MSH 2.2 and the others in 4.1, so both readers are exercised.
set -euo pipefail
cd "$(dirname "$0")"
gmsh -2 -format msh41 square.geo -o square.msh
gmsh -2 -format msh22 lshape.geo -o lshape.msh
gmsh -2 -format msh41 disk-with-hole.geo -o disk-with-hole.msh
gmsh -3 -format msh41 cube-with-hole.geo -o cube-with-hole.msh
