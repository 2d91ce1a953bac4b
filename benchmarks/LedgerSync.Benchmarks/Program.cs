using BenchmarkDotNet.Running;

namespace LedgerSync.Benchmarks;

/// <summary>
/// Entry point. Sub-commands run the custom reports (for example <c>wire</c>); anything else is handed to
/// BenchmarkDotNet's switcher (<c>--filter *Sketch*</c>, <c>--list flat</c>, ...).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && Reports.TryGet(args[0], out var report))
        {
            return report(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
