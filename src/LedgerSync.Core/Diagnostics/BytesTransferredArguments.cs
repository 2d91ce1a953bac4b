namespace LedgerSync.Diagnostics;

/// <summary>A run sent or received bytes of reconciliation messages.</summary>
/// <param name="Bytes">How many.</param>
/// <param name="Sent"><see langword="true"/> when sent, <see langword="false"/> when received.</param>
internal readonly record struct BytesTransferredArguments(long Bytes, bool Sent);
