//! Named-entity recognition: a greedy averaged-perceptron tagger with BILOU labels,
//! hashed features, word clusters, gazetteers and document-level features.

pub mod features;
pub mod hash;
pub mod labels;
pub mod lexicon;
pub mod model;
pub mod train;

pub use model::Model;
