namespace LedgerSync.Transport;

/// <summary>
/// The fate of one message on an <see cref="InMemoryNetwork"/>, returned by its <see cref="InMemorySendTap"/>. The
/// default value delivers the message unchanged. Public fault injection over it lives in the LedgerSync.Testing package.
/// </summary>
/// <param name="Kind">What happens to the message.</param>
/// <param name="Replacement">The bytes delivered instead, for <see cref="InMemoryDeliveryKind.Replace"/>.</param>
/// <param name="Delay">The extra delay, for <see cref="InMemoryDeliveryKind.Delay"/>.</param>
internal readonly record struct InMemoryDelivery(InMemoryDeliveryKind Kind, ReadOnlyMemory<byte> Replacement = default, TimeSpan Delay = default);
