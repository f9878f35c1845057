//! Bad input, tried in bulk: invalid configurations of every resource, data source and
//! provider block (an error at the attribute, at validate or plan, and no API call), and
//! malformed vendor answers (an error naming the request, never a panic).

mod configs;
mod generated;
mod hand;
mod harness;
mod provider_blocks;
mod responses;
mod samples;
