using Vae.Core.NN;

namespace Vae.Models.Evaluation;

/// <summary>Puts modules in evaluation mode for a scope and restores each one's previous mode afterwards.</summary>
internal readonly struct EvalMode : IDisposable
{
    private readonly (Module Module, bool Training)[] _saved;

    public EvalMode(params Module?[] modules)
    {
        _saved = [.. modules.OfType<Module>().Select(m => (m, m.Training))];
        foreach (var (m, _) in _saved)
        {
            m.Eval();
        }
    }

    public void Dispose()
    {
        if (_saved is null)
        {
            return;
        }

        for (int i = _saved.Length - 1; i >= 0; i--)
        {
            _saved[i].Module.Train(_saved[i].Training);
        }
    }
}
