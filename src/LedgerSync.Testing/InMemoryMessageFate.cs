using LedgerSync.Transport;

namespace LedgerSync.Testing;

/// <summary>
/// What an <see cref="InMemoryNetwork"/> does with one message: deliver it (possibly changed or late), lose it,
/// stall the sender's direction, or kill the whole session. Returned by the interceptor set with
/// <see cref="InMemoryNetworkTestingExtensions.SetInterceptor"/>.
/// </summary>
public sealed class InMemoryMessageFate
{
    private InMemoryMessageFate(InMemoryMessageFateKind kind, ReadOnlyMemory<byte> replacement = default, TimeSpan delay = default)
    {
        Kind = kind;
        Replacement = replacement;
        Delay = delay;
    }

    /// <summary>Deliver the message unchanged.</summary>
    public static InMemoryMessageFate Deliver { get; } = new(InMemoryMessageFateKind.Deliver);

    /// <summary>Lose this message; later messages are delivered.</summary>
    public static InMemoryMessageFate Drop { get; } = new(InMemoryMessageFateKind.Drop);

    /// <summary>Lose this message and every later one in the same direction, keeping the session open (a peer that stalls).</summary>
    public static InMemoryMessageFate Stall { get; } = new(InMemoryMessageFateKind.Stall);

    /// <summary>Kill the session: both sides see its end at once; messages not yet read are lost; the sender's send fails.</summary>
    public static InMemoryMessageFate KillSession { get; } = new(InMemoryMessageFateKind.KillSession);

    /// <summary>What happens to the message.</summary>
    public InMemoryMessageFateKind Kind { get; }

    /// <summary>The bytes delivered instead, for <see cref="InMemoryMessageFateKind.Replace"/>.</summary>
    public ReadOnlyMemory<byte> Replacement { get; }

    /// <summary>The extra delay before delivery, for <see cref="InMemoryMessageFateKind.Delay"/>.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Deliver <paramref name="bytes"/> instead of the message (it may be larger than the maximum message size, to test receivers).</summary>
    public static InMemoryMessageFate Replace(ReadOnlyMemory<byte> bytes) => new(InMemoryMessageFateKind.Replace, bytes);

    /// <summary>Deliver a copy of <paramref name="message"/> with the byte at <paramref name="index"/> (modulo the length) inverted.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    public static InMemoryMessageFate Corrupt(InMemoryMessage message, int index)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = message.Payload.ToArray();
        if (bytes.Length > 0)
        {
            var at = (int)((uint)index % (uint)bytes.Length);
            bytes[at] = (byte)~bytes[at];
        }

        return Replace(bytes);
    }

    /// <summary>Deliver <paramref name="message"/> cut to its first <paramref name="length"/> bytes (clamped to 0…its length).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    public static InMemoryMessageFate Truncate(InMemoryMessage message, int length)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Replace(message.Payload[..Math.Clamp(length, 0, message.Payload.Length)].ToArray());
    }

    /// <summary>Deliver the message <paramref name="delay"/> later than it would otherwise arrive (later messages queue behind it).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public static InMemoryMessageFate DelayBy(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(InMemoryMessageFateKind.Delay, delay: delay);
    }

    internal InMemoryDelivery ToDelivery() => Kind switch
    {
        InMemoryMessageFateKind.Deliver => default,
        InMemoryMessageFateKind.Drop => new(InMemoryDeliveryKind.Drop),
        InMemoryMessageFateKind.Replace => new(InMemoryDeliveryKind.Replace, Replacement),
        InMemoryMessageFateKind.Delay => new(InMemoryDeliveryKind.Delay, Delay: Delay),
        InMemoryMessageFateKind.Stall => new(InMemoryDeliveryKind.Stall),
        InMemoryMessageFateKind.KillSession => new(InMemoryDeliveryKind.KillSession),
        _ => throw new InvalidOperationException($"Unknown message fate {Kind}."),
    };
}
