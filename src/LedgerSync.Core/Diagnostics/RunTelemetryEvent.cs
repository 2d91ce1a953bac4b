using System.Runtime.CompilerServices;

namespace LedgerSync.Diagnostics;

/// <summary>One telemetry event of a run: the run's tracker and the typed arguments of the event.</summary>
/// <typeparam name="TArgs">The type of the arguments, one of the <c>*Arguments</c> record structs of this folder.</typeparam>
/// <param name="Run">The run the event belongs to.</param>
/// <param name="Arguments">What happened.</param>
internal readonly record struct RunTelemetryEvent<TArgs>(RunTracker Run, TArgs Arguments)
    where TArgs : struct
{
    /// <summary>
    /// Whether the event's arguments are a <typeparamref name="T"/>, and if so the arguments as one. The check is on the
    /// generic types, so the JIT reduces it to a constant for each event type and nothing is boxed.
    /// </summary>
    public bool Is<T>(out T arguments)
        where T : struct
    {
        if (typeof(TArgs) == typeof(T))
        {
            var value = Arguments;
            arguments = Unsafe.As<TArgs, T>(ref value);
            return true;
        }

        arguments = default;
        return false;
    }
}
