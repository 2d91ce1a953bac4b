namespace LedgerSync.Protocol;

/// <summary>The responder's refusal.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Limit">For <see cref="RefusalReason.RateLimited"/>: requests allowed per window; for <see cref="RefusalReason.UnsupportedVersion"/>: the version the responder speaks.</param>
/// <param name="Window">For <see cref="RefusalReason.RateLimited"/>: the window.</param>
/// <param name="Detail">For <see cref="RefusalReason.NotReady"/>: what is wrong, in words.</param>
internal sealed record RefusedMessage(RefusalReason Reason, long Limit = 0, TimeSpan Window = default, string Detail = "");
