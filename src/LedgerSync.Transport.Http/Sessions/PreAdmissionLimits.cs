namespace LedgerSync.Transport.Http;

/// <summary>What a responder's session may cost before it is admitted: the size of the hello and how long it may take.</summary>
/// <param name="MaxHelloSize">The largest first message read, in bytes (<see cref="LedgerSyncHttpOptions.MaxHelloSize"/>).</param>
/// <param name="HelloTimeout">How long the whole hello may take from the moment the session is accepted (<see cref="LedgerSyncHttpOptions.HelloTimeout"/>).</param>
internal sealed record PreAdmissionLimits(int MaxHelloSize, TimeSpan HelloTimeout);
