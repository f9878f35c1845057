//! Lifecycle tests of the Terrahost/Gigahost resources against the in-process simulator.
