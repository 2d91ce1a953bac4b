using LedgerSync.Sketches;

namespace LedgerSync.Protocol;

/// <summary>The responder's acceptance (version 5).</summary>
/// <param name="Version">The protocol version of the run.</param>
/// <param name="Key">The sketch key the requester derives its short IDs and encodes its set with.</param>
/// <param name="SetSize">The size of the responder's relevant set for the requester.</param>
/// <param name="Estimator">The responder's difference estimator (<see cref="DifferenceEstimator.EncodedSize"/> bytes), sent when the two set sizes are equal.</param>
internal sealed record AcceptedMessage(int Version, SketchKey Key, long SetSize, byte[]? Estimator = null);
