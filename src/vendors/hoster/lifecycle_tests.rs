//! Lifecycle tests of the hoster resources against the simulator.
