namespace CopilotBot.Workspace.Signals;

/// <summary>
/// The product's own sentiment score for support text, from −1 (angry) to +1 (delighted): a lexicon of customer-service
/// words with negation ("not happy"), intensifiers ("really slow"), shouting (ALL CAPS) and exclamation marks taken into
/// account, squashed with tanh. No model download; good enough to rank and trend, not to judge one sentence.
/// </summary>
public static class SentimentScorer
{
    private static readonly Dictionary<string, double> Lexicon = new(StringComparer.OrdinalIgnoreCase)
    {
        // negative
        ["terrible"] = -3, ["worst"] = -3, ["awful"] = -3, ["horrible"] = -3, ["unacceptable"] = -3, ["disgusted"] = -3,
        ["disgusting"] = -3, ["useless"] = -2.5, ["rude"] = -2.5, ["ridiculous"] = -2.5, ["joke"] = -2, ["pathetic"] = -3,
        ["angry"] = -2.5, ["furious"] = -3, ["upset"] = -2, ["annoyed"] = -2, ["frustrated"] = -2, ["frustrating"] = -2,
        ["disappointed"] = -2, ["disappointing"] = -2, ["fail"] = -2, ["failed"] = -2, ["failing"] = -2, ["broken"] = -2,
        ["broke"] = -2, ["down"] = -1, ["outage"] = -2, ["unavailable"] = -1.5, ["error"] = -1.5, ["errors"] = -1.5,
        ["slow"] = -1.5, ["delay"] = -1.5, ["delayed"] = -1.5, ["late"] = -1, ["lost"] = -2, ["lose"] = -1.5,
        ["missing"] = -1.5, ["stuck"] = -2, ["locked"] = -1.5, ["cancel"] = -1.5, ["cancelled"] = -1.5, ["canceled"] = -1.5,
        ["refund"] = -1, ["overcharged"] = -2.5, ["charged"] = -0.5, ["never"] = -1.5, ["nobody"] = -1.5, ["waste"] = -2,
        ["wasted"] = -2, ["worse"] = -2, ["bad"] = -2, ["poor"] = -2, ["problem"] = -1, ["problems"] = -1, ["issue"] = -0.5,
        ["messed"] = -2, ["screwed"] = -2.5, ["unreliable"] = -2.5, ["hate"] = -3, ["sucks"] = -3, ["shit"] = -3,
        ["complaint"] = -1.5, ["escalating"] = -1.5, ["abandoned"] = -2.5, ["blocked"] = -1.5, ["competitor"] = -1,
        ["oversold"] = -2, ["overbooked"] = -1.5, ["bumped"] = -1.5, ["bumping"] = -1.5, ["hold"] = -0.5, ["again"] = -0.5,
        ["unusable"] = -3, ["nothing"] = -0.5, ["sad"] = -1.5, ["worried"] = -1,
        // positive
        ["thanks"] = 1.5, ["thank"] = 1.5, ["thx"] = 1.5, ["great"] = 2, ["amazing"] = 3, ["awesome"] = 3, ["excellent"] = 3,
        ["perfect"] = 2.5, ["love"] = 2.5, ["loved"] = 2.5, ["appreciate"] = 2, ["appreciated"] = 2, ["helpful"] = 2,
        ["resolved"] = 1.5, ["fixed"] = 1.5, ["happy"] = 2, ["nice"] = 1.5, ["good"] = 1.5, ["best"] = 2.5, ["brilliant"] = 2.5,
        ["wonderful"] = 3, ["wonderfully"] = 3, ["terrific"] = 3, ["fantastic"] = 3, ["proud"] = 2, ["kind"] = 1.5,
        ["friendly"] = 2, ["upgraded"] = 1.5, ["upgrade"] = 1, ["upgrades"] = 1, ["quick"] = 1, ["smooth"] = 1.5,
        ["accommodating"] = 2, ["super"] = 1.5, ["cool"] = 1, ["glad"] = 2, ["pleased"] = 2, ["deserved"] = 1,
    };

    private static readonly HashSet<string> Negations = new(StringComparer.OrdinalIgnoreCase) { "not", "no", "never", "don't", "dont", "isn't", "isnt", "wasn't", "wasnt", "can't", "cant", "won't", "wont", "didn't", "didnt", "without" };

    private static readonly HashSet<string> Intensifiers = new(StringComparer.OrdinalIgnoreCase) { "very", "so", "really", "totally", "absolutely", "extremely", "super", "too" };

    public static double Score(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        string[] tokens = text.Split([' ', '\t', '\n', '\r', ',', '.', ';', ':', '?', '(', ')', '"', '#', '@'], StringSplitOptions.RemoveEmptyEntries);
        double sum = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            string raw = tokens[i].TrimEnd('!');
            if (!Lexicon.TryGetValue(raw.Trim('\'', '’'), out double weight))
            {
                continue;
            }

            if (raw.Length > 2 && raw.All(c => !char.IsLetter(c) || char.IsUpper(c)))
            {
                weight *= 1.5; // SHOUTING
            }

            for (int back = 1; back <= 3 && i - back >= 0; back++)
            {
                string previous = tokens[i - back].Trim('!');
                if (Negations.Contains(previous))
                {
                    weight *= -0.7; // "not happy" is negative, but weaker than "unhappy"
                    break;
                }

                if (back == 1 && Intensifiers.Contains(previous))
                {
                    weight *= 1.4;
                }
            }

            if (tokens[i].EndsWith('!'))
            {
                weight *= 1.2;
            }

            sum += weight;
        }

        return Math.Round(Math.Tanh(sum / 4.0), 3);
    }
}
