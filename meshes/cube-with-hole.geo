// Unit cube with a spherical cavity of radius 0.25 at its centre (3D, tetrahedra).
SetFactory("OpenCASCADE");
Box(1) = {0, 0, 0, 1, 1, 1};
Sphere(2) = {0.5, 0.5, 0.5, 0.25};
BooleanDifference(3) = { Volume{1}; Delete; }{ Volume{2}; Delete; };
Mesh.CharacteristicLengthMax = 0.05;
Physical Surface("outer", 1) = {1, 2, 3, 4, 5, 6};
Physical Surface("cavity", 2) = {7};
Physical Volume("domain", 10) = {3};
