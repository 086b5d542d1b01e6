/**
 * lib/papers: Cool Papers rules and simulations (O11, O12): arXiv identifiers, generated listings,
 * stars and position bias, the FAQ/crawl job queue, the redirect extension's rules.
 *
 * @module
 */
