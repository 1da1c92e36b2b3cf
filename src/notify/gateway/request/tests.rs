use super::*;
use crate::config::load_str;

fn route(toml: &str) -> GatewayConfig {
    load_str(&format!("[notify.sms]\n{toml}"), "t", &[]).unwrap().notify.sms.unwrap()
}

fn message(channel: Channel, body: &str) -> Message {
    Message { channel, recipient: "+31612345678".into(), subject: String::new(), body: body.into(), expires_at: None }
}

#[test]
fn kannel_is_a_post_with_the_account_in_headers_and_ucs2_only_when_needed() {
    let config = route(
        "preset = \"kannel\"\nurl = \"http://sms.example.test:13013/cgi-bin/sendsms\"\nusername = \"pd\"\npassword = \"a&b\"\nfrom = \"IT desk\"\n",
    );
    let plan = plan(&config, &message(Channel::Sms, "12345678 is your code")).unwrap();
    assert_eq!(plan.method, reqwest::Method::POST);
    assert_eq!(plan.url.as_str(), "http://sms.example.test:13013/cgi-bin/sendsms");
    let want = [
        ("X-Kannel-Username", "pd"),
        ("X-Kannel-Password", "a&b"),
        ("X-Kannel-To", "+31612345678"),
        ("X-Kannel-From", "IT desk"),
    ];
    assert_eq!(plan.headers, want.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec());
    assert_eq!(plan.body, Some(("12345678 is your code".to_owned(), "text/plain; charset=UTF-8")));
    let plan = super::plan(&config, &message(Channel::Sms, "Zoë")).unwrap();
    assert!(plan.headers.contains(&("X-Kannel-Coding".to_owned(), "2".to_owned())), "{:?}", plan.headers);
    assert!(super::plan(&config, &message(Channel::Voice, "x")).is_err());
}

#[test]
fn twilio_voice_says_the_escaped_body() {
    assert_eq!(twiml(" 1, 2 <&> \"'\n"), "<Response><Say>1, 2 &lt;&amp;&gt; &quot;&apos;</Say></Response>");
    let base = url::Url::parse("https://api.example.test/base/").unwrap();
    assert_eq!(
        twilio_url(&base, &["AC1", "Calls.json"]).unwrap().as_str(),
        "https://api.example.test/base/2010-04-01/Accounts/AC1/Calls.json"
    );
}

#[test]
fn json_values_stay_inside_their_string() {
    assert_eq!(json_inside_string("a\"b\\c\nd\u{1}"), "a\\\"b\\\\c\\nd\\u0001");
}
