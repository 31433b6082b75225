using System.Text;
using CopilotBot.Conversation.Privacy;
using FsCheck;
using FsCheck.Fluent;

namespace CopilotBot.Llm.Tests;

public sealed class PiiMaskerTests
{
    [Theory]
    [InlineData("write to jane.doe+billing@contoso.co.uk today", "write to [email] today")]
    [InlineData("card 4111 1111 1111 1111 was declined", "card [card] was declined")]
    [InlineData("card 4111-1111-1111-1111.", "card [card].")]
    [InlineData("amex 378282246310005", "amex [card]")]
    [InlineData("call +44 20 7946 0958 or +1 (555) 123-4567", "call [phone] or [phone]")]
    [InlineData("call (555) 123-4567 or 555.123.4567 or 555 123 4567", "call [phone] or [phone] or [phone]")]
    [InlineData("UK office 020 7946 0958, Paris 01 23 45 67 89", "UK office [phone], Paris [phone]")]
    [InlineData("+49 30 12345678", "[phone]")]
    [InlineData("IBAN GB82 WEST 1234 5698 7654 32 and DE89370400440532013000", "IBAN [iban] and [iban]")]
    public void MasksEmailsCardsPhonesAndIbans(string text, string expected) => Assert.Equal(expected, PiiMasker.Mask(text));

    [Theory]
    [InlineData("order 4111 1111 1111 1112 shipped")] // 16 digits, Luhn fails: an order id, not a card
    [InlineData("invoice INV-20261121-0042 for $12,500.00 due 2026-11-21 10:00")]
    [InlineData("account P10042 has 1,234 seats and ARR 1200000")]
    [InlineData("ticket 123456789012 opened")] // 12 digits: too short for a card, no phone shape
    [InlineData("GB82 WEST 1234 5698 7654 33")] // IBAN shape with a wrong check
    [InlineData("meet at 10:30 on 21/11/2026, version 10.0.14")]
    [InlineData("@channel please look, mention @dana")]
    public void LeavesOrdinaryNumbersAndWordsAlone(string text) => Assert.Equal(text, PiiMasker.Mask(text));

    [Fact]
    public void Luhn_AcceptsTheTestCardNumbers_AndRejectsOneDigitOff()
    {
        Assert.True(PiiMasker.Luhn("4111111111111111"));
        Assert.True(PiiMasker.Luhn("5555 5555 5555 4444"));
        Assert.False(PiiMasker.Luhn("4111111111111121"));
        Assert.False(PiiMasker.Luhn("0000 0000 0000")); // 12 digits: too short
    }

    [Fact]
    public void Property_MaskingIsIdempotent_AndBounded_AndRemovesEveryPlantedItem()
    {
        ForAllSeeds(300, seed =>
        {
            var random = new Random(seed);
            (string text, int planted) = SupportText(random, withPii: true);
            string masked = PiiMasker.Mask(text)!;

            Assert.Equal(masked, PiiMasker.Mask(masked));
            Assert.True(masked.Length <= text.Length + text.Count(c => c == '@'), $"seed {seed}: {text} -> {masked}");
            Assert.False(PiiMasker.ContainsPii(masked));
            int tokens = CountTokens(masked);
            Assert.True(tokens >= planted, $"seed {seed}: planted {planted}, masked {tokens}: {text} -> {masked}");
            Assert.DoesNotContain("@", masked.Replace("@channel", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Property_TextWithoutPii_IsUnchanged()
    {
        ForAllSeeds(300, seed =>
        {
            (string text, _) = SupportText(new Random(seed), withPii: false);
            Assert.Equal(text, PiiMasker.Mask(text));
        });
    }

    [Fact]
    public void Property_LuhnInvalidDigitRunsOfCardLength_AreNotMasked()
    {
        ForAllSeeds(300, seed =>
        {
            var random = new Random(seed);
            string card = CardNumber(random);
            char last = card[^1];
            string broken = card[..^1] + (char)('0' + ((last - '0' + 1 + random.Next(9)) % 10));
            string text = "order " + broken + " shipped";

            Assert.Equal("order [card] shipped", PiiMasker.Mask("order " + card + " shipped"));
            Assert.Equal(text, PiiMasker.Mask(text));
        });
    }

    [Fact]
    public void HostileInput_IsMaskedInLinearTime()
    {
        string hostile = string.Concat(Enumerable.Repeat("a.", 100_000)) + "@" + string.Concat(Enumerable.Repeat("1 ", 100_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string masked = PiiMasker.Mask(hostile)!;

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.False(PiiMasker.ContainsPii(masked));
    }

    private static int CountTokens(string text) =>
        new[] { PiiMasker.EmailToken, PiiMasker.PhoneToken, PiiMasker.CardToken, PiiMasker.IbanToken }
            .Sum(t => (text.Length - text.Replace(t, string.Empty, StringComparison.Ordinal).Length) / t.Length);

    /// <summary>Ticket-like text: words, dates, amounts, ids, unicode; with <paramref name="withPii"/> also planted PII.</summary>
    private static (string Text, int Planted) SupportText(Random random, bool withPii)
    {
        string[] words = ["the", "invoice", "was", "late", "again", "Grüße", "שלום", "日本語", "👩‍💻", "\u200f", "order", "seats", "@channel", "re:", "(urgent)", "-", "..."];
        var sb = new StringBuilder();
        int planted = 0;
        int count = random.Next(1, 40);
        for (int i = 0; i < count; i++)
        {
            int kind = random.Next(withPii ? 12 : 8);
            sb.Append(kind switch
            {
                0 => $"2026-{random.Next(1, 13):00}-{random.Next(1, 29):00}",
                1 => $"${random.Next(1, 999)},{random.Next(0, 999):000}.{random.Next(0, 99):00}",
                2 => $"P{random.Next(10000, 99999)}",
                3 => $"INV-{random.Next(100, 999999)}",
                4 => random.Next(0, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
                5 => $"{random.Next(0, 24):00}:{random.Next(0, 60):00}",
                8 => Planted($"user{random.Next(1000)}.{words[random.Next(3)]}@example{random.Next(10)}.com"),
                9 => Planted(CardNumber(random)),
                10 => Planted($"+{random.Next(1, 99)} {random.Next(10, 99)} {random.Next(1000, 9999)} {random.Next(1000, 9999)}"),
                11 => Planted($"({random.Next(200, 999)}) {random.Next(200, 999)}-{random.Next(1000, 9999)}"),
                _ => words[random.Next(words.Length)],
            });
            sb.Append(random.Next(4) == 0 ? ", " : " ");
        }

        return (sb.ToString(), planted);

        // PII is written as people write it: between words, not run into another number.
        string Planted(string value)
        {
            planted++;
            return "at " + value + " now";
        }
    }

    /// <summary>A Luhn-valid 16-digit number, in groups of four half the time.</summary>
    private static string CardNumber(Random random)
    {
        int[] digits = new int[16];
        digits[0] = 4;
        for (int i = 1; i < 15; i++)
        {
            digits[i] = random.Next(10);
        }

        int sum = 0;
        for (int i = 14, n = 1; i >= 0; i--, n++)
        {
            int d = n % 2 == 1 ? digits[i] * 2 : digits[i];
            sum += d > 9 ? d - 9 : d;
        }

        digits[15] = (10 - (sum % 10)) % 10;
        string plain = string.Concat(digits);
        return random.Next(2) == 0 ? plain : string.Join(' ', Enumerable.Range(0, 4).Select(g => plain.Substring(g * 4, 4)));
    }

    private static void ForAllSeeds(int maxTest, Action<int> body) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), body));
}
