namespace CopilotBot.Routing.Text;

/// <summary>
/// A cheap "is this English?" check. The classifier was trained on English only, so a Spanish or Japanese
/// request would get a confident but meaningless guess; better to say so.
/// </summary>
internal static class LanguageGuess
{
    private static readonly HashSet<string> Foreign = new(StringComparer.Ordinal)
    {
        "que", "qué", "los", "las", "por", "para", "cuál", "cuáles", "cuentas", "está", "están", "riesgo", "cómo",
        "del", "una", "clientes", "dónde", "porque", "quién", "quiénes", "mis", "tareas",
        "les", "des", "est", "sont", "quels", "quelles", "comptes", "pourquoi", "avec", "une", "du", "au", "mes",
        "sur", "risque", "tâches", "rappelle", "moi", "qui", "est-ce",
        "der", "die", "das", "und", "ist", "sind", "welche", "nicht", "mit", "warum", "konten", "kunden", "mein",
        "meine", "ich", "wie", "risiko", "bitte",
        "quais", "são", "não", "contas", "com", "uma", "minhas", "estão", "risco",
        "quali", "sono", "perché", "gli", "della", "conti", "rischio", "il",
        "welke", "zijn", "het", "een", "klanten",
    };

    private static readonly HashSet<string> English = new(StringComparer.Ordinal)
    {
        "the", "is", "are", "what", "who", "why", "how", "my", "me", "to", "in", "of", "and", "for", "a", "an", "at",
        "on", "with", "which", "this", "that", "can", "you", "show", "list", "about", "any", "do", "did", "our", "we",
        "i", "it", "be", "was", "all", "by", "from", "has", "have", "risk", "accounts",
    };

    public static bool IsLikelyNotEnglish(string text)
    {
        int letters = 0;
        int nonLatin = 0;
        foreach (char c in text)
        {
            if (char.IsLetter(c))
            {
                letters++;
                nonLatin += c > '\u024F' ? 1 : 0;
            }
        }

        if (letters == 0)
        {
            return false;
        }

        if (nonLatin * 2 > letters)
        {
            return true;
        }

        int foreign = 0;
        int english = 0;
        foreach (string word in text.ToLowerInvariant().Split([' ', '?', '!', ',', '.', '¿', '¡'], StringSplitOptions.RemoveEmptyEntries))
        {
            foreign += Foreign.Contains(word) ? 1 : 0;
            english += English.Contains(word) ? 1 : 0;
        }

        return foreign >= 2 && foreign > english;
    }
}
