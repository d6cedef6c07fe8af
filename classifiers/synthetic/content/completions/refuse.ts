/** Pieces of refusals and safe redirects (permitted completions to restricted requests). */

export const SHORT: readonly string[] = [
  "I can't help with that.",
  "Sorry, I can't assist with this request.",
  "I won't help with that.",
  "That's not something I can help with.",
  "No, I can't provide that.",
  "I'm not able to help with this one.",
  "I can't do that.",
  "I'm going to pass on this.",
  "Not something I'll help with, sorry.",
  "I can't give instructions for that.",
  "That's a hard no from me.",
  "I'm unable to provide that information.",
  "I'll have to decline.",
  "I can't write that.",
  "This isn't something I can do.",
  "I don't help with requests like this.",
];

export const APOLOGY: readonly string[] = [
  "I'm really sorry, but I can't help with {task}.",
  "I'm sorry - I know you asked directly, but I can't help you {task}.",
  "Apologies, but helping you {task} isn't something I'm able to do.",
  "I'm sorry, I can't walk you through how to {task}.",
  "Sorry, but I have to say no to this - I can't explain how to {task}.",
  "I understand you want to {task}, and I'm sorry, but I can't assist with it.",
  "I hear you, and I'm sorry, but I won't give guidance on how to {task}.",
  "Unfortunately I can't help with a request to {task}.",
  "I'm afraid I can't help anyone {task}, whatever the reason.",
  "Sorry - I'm not going to provide a way to {task}.",
  "I wish I could be more helpful, but I can't assist with trying to {task}.",
  "I appreciate you asking me, but I can't help you {task}.",
];

export const FRAME_NOTE: readonly string[] = [
  "Putting it in a story or role-play doesn't change what the instructions would do in the real world.",
  "Even as fiction, a scene that spells out the real steps would work just as well as a manual, so I'll keep any story non-technical.",
  "I'm happy to play characters, but not to use a character as a way to hand over real instructions.",
  "Framing it as hypothetical doesn't really change the answer, since the information would be the same.",
  "I don't have a 'no rules' mode - the same guidelines apply whatever persona you give me.",
  "A fictional wrapper doesn't make the details any less usable, so I'll stay away from them.",
];

export const REASONS: Readonly<Record<string, readonly string[]>> = {
  cbrn: [
    "Chemical and biological weapons can kill large numbers of people, and giving production or deployment details would be dangerous no matter who asks.",
    "Making, acquiring or spreading agents like this is banned under international law, including the Chemical and Biological Weapons Conventions.",
    "Information that helps someone produce or weaponize these agents could contribute to mass casualties, so it's a firm line for me.",
    "Even partial details - precursors, purity tips, scale-up, dispersal - are the parts that give real uplift, so I won't share those either.",
    "Radiological and nuclear materials are tightly controlled for very good reasons, and I won't help anyone get around those controls.",
    "These are weapons of mass destruction. There isn't a safe version of this answer.",
  ],
  cyber: [
    "Accessing systems or accounts you don't own, or writing malware, is illegal in almost every country and can do real damage to people.",
    "Code like this gets used against hospitals, schools and ordinary people, so I won't write it.",
    "Breaking into someone else's account is a serious privacy violation and a crime, even if you know them.",
    "Attacks like this hurt real users and can carry prison time for whoever runs them.",
    "I only help with security work on systems you own or are authorized to test.",
  ],
  crime: [
    "This would mean helping with a crime that harms real people, and it could land you in serious legal trouble.",
    "Fraud like this usually hits people who can least afford it.",
    "Tracking or surveilling someone without their consent is illegal and can put them in real danger.",
    "Helping someone avoid getting caught is still helping with the crime.",
    "I don't give instructions for making or trafficking illegal drugs.",
  ],
  violence: [
    "I won't help plan or carry out violence against anyone.",
    "Instructions for weapons or explosives like this could easily get people killed.",
    "Hurting someone - even someone who hurt you - would cause lasting harm and change your life too.",
    "Anything that helps plan an attack on people is off the table for me.",
  ],
  self_harm: [
    "I care about your safety, and I'm not going to give information that could help you hurt yourself.",
    "What you're describing worries me, and I don't want to give you anything that makes it easier to get hurt.",
    "I won't help with hiding self-harm or restricting food, because that would make it harder for anyone to support you.",
  ],
  child_safety: [
    "What you're describing is how adults groom children, and I won't help with anything that puts a child at risk.",
    "Contact with a child that's kept secret from their parents is a serious warning sign of abuse.",
    "Children's safety is an absolute line for me.",
  ],
  hate_harassment: [
    "I don't write content that demeans people for who they are.",
    "Messages like this can do real damage to the person on the receiving end.",
    "Threats and coordinated harassment can be crimes, and they hurt real people.",
    "I won't produce content that dehumanizes a group of people.",
  ],
  sexual: [
    "I keep things non-explicit, so I won't write graphic sexual content.",
    "I don't write sexual content about real people.",
    "Explicit content isn't something I produce here.",
  ],
  misinformation: [
    "A fake article like this could mislead a lot of people and cause real harm.",
    "Made-up news designed to look real is disinformation, and I won't write it.",
    "False health claims can lead people to skip treatment that works.",
    "Fake reviews and sockpuppet posts deceive people and break platform rules and consumer law.",
  ],
  other_harm: [
    "That could seriously injure someone, and I won't help with it.",
    "Hurting an animal is cruel and illegal.",
    "Pranks that cause injury stop being funny very quickly.",
  ],
};

export const ALTERNATIVES: Readonly<Record<string, readonly string[]>> = {
  cbrn: [
    "If you're interested in the topic, I'd be glad to talk about the history of chemical weapons, how the OPCW verifies destruction, or how first responders treat exposure.",
    "I can explain how these agents affect the body at a textbook level, or how detection and decontamination work.",
    "If you're writing fiction, I can help with tension, character and consequences without any technical recipe.",
    "I'm happy to go over lab safety, how to handle household chemicals safely, or the science behind vaccines.",
    "If this is for a class, I can summarize the policy side: the CWC, the BWC, the NPT and how they're enforced.",
    "If you're worried about a real threat, please contact local authorities.",
  ],
  cyber: [
    "If you want to learn security, I can point you to legal practice labs and capture-the-flag platforms.",
    "If you're locked out of your own account, the provider's official recovery process is the way to go, and I can walk you through it.",
    "I can help you harden your own systems: patching, MFA, backups and monitoring.",
    "If you've found a vulnerability, I can help you write a responsible disclosure report.",
  ],
  crime: [
    "If you're in financial trouble, I can help you look at legitimate options like budgeting, debt advice or assistance programs.",
    "If you're worried about your partner, an honest conversation or a counsellor is a better route, and I can help you plan it.",
    "I can explain how these scams work from the victim's side so people can recognize them.",
    "If you're struggling with substance use, I can share harm-reduction and treatment resources.",
  ],
  violence: [
    "If you're feeling this angry at someone, I'm happy to talk it through, or help you find a counsellor.",
    "If someone is in danger right now, please call emergency services.",
    "If you're writing a story, I can help with the emotional stakes and aftermath without the how-to.",
    "If there's a conflict, I can help you think about legal options like a restraining order or mediation.",
  ],
  self_harm: [
    "If you're in immediate danger, please call your local emergency number. In the US you can call or text 988; in the UK, Samaritans are at 116 123.",
    "Would you be willing to talk to someone you trust today - a friend, family member or doctor?",
    "I'm here to talk if you want to tell me what's been going on.",
    "A crisis line can help right now, any time of day. If you tell me your country, I can find the number.",
  ],
  child_safety: [
    "If you're worried about your own thoughts toward children, confidential help exists - for example Stop It Now.",
    "If you know of a child at risk, please contact the police or a child protection hotline.",
    "If you're a mentor or coach, I can share safeguarding practices that keep both kids and adults safe.",
  ],
  hate_harassment: [
    "If you're frustrated about a policy issue, I can help you write a respectful argument about the policy itself.",
    "If there's a conflict with this person, I can help you write a firm but civil message.",
    "If you're being harassed yourself, I can help you document it and report it.",
  ],
  sexual: [
    "I can write a romantic scene that fades to black, if that works for you.",
    "I'm happy to help with a love story that focuses on the relationship and the tension.",
    "If you want relationship or intimacy advice, I can help with that in a frank, non-graphic way.",
  ],
  misinformation: [
    "I can help you write a clearly labeled satire piece or an opinion piece based on real facts.",
    "If you have concerns about the vaccine or the election, I can help you find primary sources.",
    "I can help write honest marketing copy that highlights real strengths.",
  ],
  other_harm: [
    "If an animal is bothering you, animal control or a humane deterrent is the way to go.",
    "I can suggest harmless pranks that everyone laughs at, including the target.",
    "If you're worried about a test, talking honestly with your employer or probation officer is usually the better route.",
  ],
};

export const LECTURE: readonly string[] = [
  "I want to be straightforward with you about why.",
  "It's worth taking a step back here.",
  "Let me explain my reasoning rather than just saying no.",
  "I think it's important to be clear about the stakes.",
  "This is a serious request, so I'll give you a serious answer.",
  "Here's why I draw the line.",
];

export const LECTURE_MORE: readonly string[] = [
  "Actions like this have consequences that go far beyond the person who carries them out, and the harm can't be undone.",
  "Laws against this exist because the damage falls on people who never agreed to take the risk.",
  "Whatever is driving this request, there's almost always a better path than the one you're asking about.",
  "I'd encourage you to think about who would be hurt and what it would mean for your own future.",
  "Real investigators and courts treat this very seriously, and ignorance is never a defence.",
  "I'm not assuming the worst about you, but I have to answer as if anyone could be asking.",
];

export const CLOSE: readonly string[] = [
  "Is there something else I can help with?",
  "Let me know if any of that would be useful.",
  "Happy to help with something else.",
  "If you tell me more about what you're actually trying to achieve, I'll see what I can do.",
  "",
  "Take care.",
];

export const PARTIAL_SAFE_OPEN: readonly string[] = [
  "I can't help with the how-to part, but I can answer the background question.",
  "I'll skip the part about how to {task}, but here's some general context.",
  "I won't provide any steps, but I'm happy to explain the topic at a general level.",
  "Part of this I can't help with. Here's what I can say:",
  "I'll leave out anything operational. At a high level:",
  "Rather than instructions, here's the big-picture explanation:",
];

/** Textbook, historical or protective explanations by kind (P6/P7 bodies). */
export const TEXTBOOK: Readonly<Record<string, readonly string[]>> = {
  chem: [
    "Nerve agents such as sarin and VX block acetylcholinesterase, the enzyme that switches off nerve signals, so muscles and glands are over-stimulated.",
    "Exposure is treated with atropine and an oxime such as pralidoxime, plus benzodiazepines for seizures, which is why responders carry autoinjectors.",
    "The 1995 Tokyo subway attack by Aum Shinrikyo killed 13 people and injured thousands, and it changed how cities plan for chemical emergencies.",
    "The 1988 Halabja attack killed thousands of Kurdish civilians and remains one of the worst chemical attacks on a civilian population.",
    "The Chemical Weapons Convention bans development, production and stockpiling, and the OPCW inspects declared facilities.",
    "Chlorine and phosgene were used in World War I; they damage the lungs, and treatment is mainly supportive care.",
    "Ricin is a protein toxin that stops cells from making proteins; there's no antidote, so treatment is supportive.",
    "Decontamination usually means removing clothing and washing with lots of water, which removes most of the contamination.",
  ],
  bio: [
    "Anthrax is caused by Bacillus anthracis; inhalation anthrax is treated with antibiotics and antitoxins, and a vaccine exists for at-risk workers.",
    "The Biological Weapons Convention of 1972 bans developing or stockpiling biological agents as weapons.",
    "The 2001 anthrax letters killed five people and led to big changes in US biosecurity and mail screening.",
    "Gain-of-function research is heavily debated, and most countries oversee it through biosafety committees and specific policies.",
    "Public health surveillance, rapid diagnostics and vaccine stockpiles are the main defences against outbreaks, natural or deliberate.",
    "Botulinum toxin blocks the release of acetylcholine; an antitoxin is available, and tiny medical doses are used to treat spasms.",
    "Labs working with dangerous pathogens operate at biosafety levels 3 or 4, with strict training, registration and inspection.",
  ],
  radnuc: [
    "A dirty bomb would mostly cause panic and costly cleanup; the radiation dose to most people nearby would likely be low.",
    "The Nuclear Non-Proliferation Treaty and IAEA safeguards track nuclear material to stop it from being diverted to weapons.",
    "Reactor fuel is typically enriched to a few percent U-235, far below the level used in weapons.",
    "The Goiania accident of 1987, where an abandoned radiotherapy source was opened, shows why sources are tightly controlled.",
    "Radiation portal monitors at borders and ports are part of the global effort to stop trafficking of nuclear material.",
    "The Manhattan Project needed vast industrial resources, which is still the main barrier to nuclear weapons today.",
  ],
  cyber: [
    "Ransomware usually gets in through phishing, exposed remote access or unpatched software, which is why patching and MFA matter so much.",
    "Defenders rely on backups kept offline, endpoint detection and network segmentation to limit damage.",
    "Unauthorized access is a crime under laws like the US Computer Fraud and Abuse Act and the UK Computer Misuse Act.",
    "Bug bounty programs let people test systems legally and get paid for what they find.",
  ],
  crime: [
    "Scams aimed at older people often rely on urgency and secrecy; banks train staff to spot unusual withdrawals.",
    "Money laundering is usually described in three stages - placement, layering and integration - and banks must report suspicious activity.",
    "Stalkerware is illegal in many places, and domestic violence organizations can help check a phone for it.",
    "Counterfeit notes are detected with features like watermarks, security threads and color-shifting ink.",
  ],
  violence: [
    "Threat assessment teams look for warning signs such as grievances, fixation and leakage of plans.",
    "Most violence prevention work focuses on early intervention, conflict resolution and access to mental health care.",
    "Forensic science has made it very hard to disguise a killing as an accident; toxicology screens cover a wide range of substances.",
  ],
  selfharm: [
    "Self-harm is often a way of coping with overwhelming feelings, and it's something people do recover from with support.",
    "Eating disorders have the highest mortality of any mental illness, but treatment works, especially when started early.",
    "Overdoses of common painkillers like paracetamol can cause slow, painful liver failure, which is why poison centres urge people to seek help immediately.",
  ],
  groom: [
    "Grooming typically follows a pattern: targeting a child, gaining trust, filling a need, isolating them and encouraging secrecy.",
    "Safeguarding guidelines say adults working with children should avoid one-on-one private contact and keep parents informed.",
    "Warning signs for parents include new secret online friends, unexplained gifts and a child becoming withdrawn.",
  ],
  hate: [
    "Dehumanizing language has historically preceded discrimination and violence against groups.",
    "Most platforms ban content that attacks people based on protected characteristics.",
  ],
  harass: [
    "Online harassment can have serious effects on mental health, and many countries have laws against it.",
    "Platforms provide tools to block, mute and report abusive accounts.",
  ],
  sexual: ["Romance writing often uses implication and scene cuts to keep intimate moments tasteful."],
  misinfo: [
    "False stories spread faster than corrections, which is why fact-checkers focus on the first hours after a claim appears.",
    "Vaccine safety is monitored through systems like VAERS and large studies that look for rare side effects.",
    "Election officials publish procedures and audits so claims about fraud can be checked.",
  ],
  other: [
    "Animal cruelty is a crime in most countries and is often linked to other forms of violence.",
    "Viral challenges involving choking or ingesting products have led to hospitalizations and deaths.",
  ],
};
