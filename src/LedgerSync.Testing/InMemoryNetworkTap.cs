using System.Runtime.CompilerServices;
using LedgerSync.Transport;

namespace LedgerSync.Testing;

/// <summary>
/// The test aids' state for one <see cref="InMemoryNetwork"/>: its interceptor and message observers, installed as the
/// network's send tap the first time a test asks for either.
/// </summary>
internal sealed class InMemoryNetworkTap
{
    private static readonly ConditionalWeakTable<InMemoryNetwork, InMemoryNetworkTap> Taps = new();

    private readonly Lock _gate = new();
    private Func<InMemoryMessage, InMemoryMessageFate>? _interceptor;
    private Action<InMemoryMessage>[] _observers = [];

    private InMemoryNetworkTap()
    {
    }

    public static InMemoryNetworkTap For(InMemoryNetwork network)
    {
        var tap = Taps.GetValue(network, static _ => new InMemoryNetworkTap());
        // GetValue may build a tap that loses the race; only the stored one is ever installed.
        network.SendTap ??= tap.OnSend;
        return tap;
    }

    public void SetInterceptor(Func<InMemoryMessage, InMemoryMessageFate>? interceptor) => Volatile.Write(ref _interceptor, interceptor);

    public IDisposable AddObserver(Action<InMemoryMessage> observer)
    {
        lock (_gate)
        {
            Volatile.Write(ref _observers, [.. _observers, observer]);
        }

        return new Subscription(this, observer);
    }

    private void RemoveObserver(Action<InMemoryMessage> observer)
    {
        lock (_gate)
        {
            var at = Array.IndexOf(_observers, observer);
            if (at >= 0)
            {
                Volatile.Write(ref _observers, [.. _observers.AsSpan(0, at), .. _observers.AsSpan(at + 1)]);
            }
        }
    }

    private InMemoryDelivery OnSend(PartyName from, PartyName to, long sessionId, int sequence, byte[] payload)
    {
        var observers = Volatile.Read(ref _observers);
        var interceptor = Volatile.Read(ref _interceptor);
        if (observers.Length == 0 && interceptor is null)
        {
            return default;
        }

        var message = new InMemoryMessage(from, to, sessionId, sequence, payload);
        foreach (var observer in observers)
        {
            observer(message);
        }

        if (interceptor is null)
        {
            return default;
        }

        var fate = interceptor(message)
            ?? throw new InvalidOperationException($"The in-memory network's interceptor returned null for message {sequence} from {from} to {to}; return InMemoryMessageFate.Deliver to deliver it.");
        return fate.ToDelivery();
    }

    private sealed class Subscription(InMemoryNetworkTap tap, Action<InMemoryMessage> observer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                tap.RemoveObserver(observer);
            }
        }
    }
}
