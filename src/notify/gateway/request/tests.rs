use super::*;
use crate::config::load_str;

fn route(toml: &str) -> GatewayConfig {
    load_str(&format!("[notify.sms]\n{toml}"), "t", &[]).unwrap().notify.sms.unwrap()
}

fn message(channel: Channel, body: &str) -> Message {
    Message { channel, recipient: "+31612345678".into(), subject: String::new(), body: body.into(), expires_at: None }
}

#[test]
fn kannel_is_a_get_with_utf8_and_ucs2_only_when_needed() {
    let config = route(
        "preset = \"kannel\"\nurl = \"http://sms.example.test:13013/cgi-bin/sendsms\"\nusername = \"pd\"\npassword = \"a&b\"\nfrom = \"IT desk\"\n",
    );
    let plan = plan(&config, &message(Channel::Sms, "12345678 is your code")).unwrap();
    assert_eq!(plan.method, reqwest::Method::GET);
    assert_eq!(
        plan.url.as_str(),
        "http://sms.example.test:13013/cgi-bin/sendsms?username=pd&password=a%26b&to=%2B31612345678&text=12345678+is+your+code&charset=UTF-8&from=IT+desk"
    );
    let plan = super::plan(&config, &message(Channel::Sms, "Zoë")).unwrap();
    assert!(plan.url.as_str().contains("&text=Zo%C3%AB&charset=UTF-8&coding=2&"), "{}", plan.url);
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
