/// `stockade check` and `stockade init`: every library run against one domain, findings with severity and RFC section.
public enum Audit {}
