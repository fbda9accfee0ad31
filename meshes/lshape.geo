// L-shaped domain [-1,1]^2 minus the quadrant (0,1)x(-1,0): the classic re-entrant corner.
lc = 0.04;
Point(1) = {-1, -1, 0, lc}; Point(2) = {0, -1, 0, lc}; Point(3) = {0, 0, 0, lc / 4};
Point(4) = {1, 0, 0, lc}; Point(5) = {1, 1, 0, lc}; Point(6) = {-1, 1, 0, lc};
Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {3, 4};
Line(4) = {4, 5}; Line(5) = {5, 6}; Line(6) = {6, 1};
Curve Loop(1) = {1, 2, 3, 4, 5, 6};
Plane Surface(1) = {1};
Physical Curve("boundary", 1) = {1, 2, 3, 4, 5, 6};
Physical Surface("domain", 10) = {1};
