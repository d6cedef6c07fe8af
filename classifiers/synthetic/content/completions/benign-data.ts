/** Hand-written material for the helpful (benign) answers. */

export const HELPFUL_CLOSERS: readonly string[] = [
  "Hope that helps!",
  "Let me know if you want more detail on any of these.",
  "Happy to go deeper on any point.",
  "If you tell me more about your setup, I can tailor this.",
  "Good luck!",
  "Feel free to ask follow-up questions.",
];

export const TABLES: readonly { name: string; metrics: string[]; groups: string[] }[] = [
  {
    name: "customers",
    metrics: ["lifetime_value", "order_count", "signup_date"],
    groups: ["country", "plan", "segment"],
  },
  {
    name: "orders",
    metrics: ["total_amount", "created_at", "item_count"],
    groups: ["status", "customer_id", "region"],
  },
  {
    name: "employees",
    metrics: ["salary", "hire_date", "rating"],
    groups: ["department", "office", "title"],
  },
  { name: "products", metrics: ["price", "stock", "units_sold"], groups: ["category", "supplier", "brand"] },
  { name: "students", metrics: ["gpa", "credits", "attendance"], groups: ["major", "year", "campus"] },
  {
    name: "tickets",
    metrics: ["resolution_hours", "priority", "opened_at"],
    groups: ["assignee", "team", "status"],
  },
  { name: "songs", metrics: ["play_count", "duration_sec", "rating"], groups: ["artist", "genre", "album"] },
  {
    name: "invoices",
    metrics: ["amount_due", "days_overdue", "issued_on"],
    groups: ["client", "currency", "state"],
  },
  {
    name: "trips",
    metrics: ["distance_km", "fare", "duration_min"],
    groups: ["driver_id", "city", "vehicle_type"],
  },
  {
    name: "reviews",
    metrics: ["stars", "helpful_votes", "posted_at"],
    groups: ["product_id", "language", "verified"],
  },
];

export const ENTITIES: readonly { name: string; fields: string[] }[] = [
  { name: "book", fields: ["title", "author", "year", "isbn"] },
  { name: "user", fields: ["username", "email", "created", "role"] },
  { name: "recipe", fields: ["name", "cuisine", "minutes", "servings"] },
  { name: "movie", fields: ["title", "director", "genre", "runtime"] },
  { name: "order", fields: ["order_id", "customer", "total", "status"] },
  { name: "sensor", fields: ["device_id", "reading", "unit", "timestamp"] },
  { name: "player", fields: ["name", "team", "position", "score"] },
  { name: "task", fields: ["title", "priority", "due", "owner"] },
  { name: "flight", fields: ["number", "origin", "destination", "departure"] },
  { name: "plant", fields: ["species", "location", "watered", "height"] },
  { name: "invoice", fields: ["number", "client", "amount", "due_date"] },
  { name: "course", fields: ["code", "title", "credits", "instructor"] },
];

export const NAMES: readonly string[] = [
  "Priya",
  "Tom",
  "Mei",
  "Carlos",
  "Anna",
  "Jamal",
  "Sofia",
  "Liam",
  "Fatima",
  "Kenji",
  "Olivia",
  "Noah",
  "Ines",
  "Dmitri",
  "Grace",
  "Tariq",
  "Hannah",
  "Luca",
  "Amara",
  "Ben",
];
export const DAYS: readonly string[] = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "next week",
  "the 14th",
  "tomorrow",
];
export const SIGNOFFS: readonly string[] = [
  "Best regards,\n{me}",
  "Thanks so much,\n{me}",
  "Kind regards,\n{me}",
  "Cheers,\n{me}",
  "All the best,\n{me}",
  "Warmly,\n{me}",
];
export const EMAIL_INTROS: readonly string[] = [
  "Here's a draft you can adapt:",
  "Sure - here's a polite version:",
  "Here's a short, professional email:",
  "Try something like this:",
];

export const EMAILS: readonly { asks: string[]; subjects: string[]; body: string[] }[] = [
  {
    asks: [
      "Write an email to my manager {to} saying I'm sick and can't come in {day}",
      "email to {to} calling in sick",
    ],
    subjects: ["Sick day {day}", "Out sick today"],
    body: [
      "I'm not feeling well and won't be able to come in {day}.",
      "I'll keep an eye on email for anything urgent, but I'll mostly be resting.",
      "The report is nearly finished, and I've shared the latest draft in our team folder.",
      "I expect to be back the following day and will update you if anything changes.",
    ],
  },
  {
    asks: [
      "Draft a follow-up email to {to} after my job interview",
      "thank you email after interview to {to}",
    ],
    subjects: ["Thank you for your time", "Following up on our conversation"],
    body: [
      "Thank you for taking the time to speak with me about the role.",
      "I really enjoyed learning about the team's plans for the coming year.",
      "Our conversation made me even more excited about the opportunity.",
      "Please let me know if there's anything else I can provide.",
    ],
  },
  {
    asks: [
      "Email my professor {to} asking for an extension on my essay",
      "ask {to} for a deadline extension politely",
    ],
    subjects: ["Extension request", "Request for a short extension"],
    body: [
      "I'm writing to ask whether I could have a short extension on the essay due {day}.",
      "I've had a family matter this week that has taken more time than expected.",
      "I've completed the research and an outline, and I'd need about three extra days.",
      "I completely understand if this isn't possible.",
    ],
  },
  {
    asks: [
      "Write a message to my landlord {to} about the broken heater",
      "email landlord {to} asking for repair of leaking sink",
    ],
    subjects: ["Repair request", "Heating not working"],
    body: [
      "I wanted to let you know that the heater in the flat stopped working on {day}.",
      "I've checked the thermostat and breaker, and neither seems to be the problem.",
      "Could you arrange for someone to take a look this week?",
      "I'm usually home after 5pm, or I can leave a key with a neighbour.",
    ],
  },
  {
    asks: [
      "Write a thank-you note to my coworker {to} for covering my shift",
      "thank {to} for helping me with the project",
    ],
    subjects: ["Thank you!", "Thanks for your help"],
    body: [
      "I just wanted to say a big thank you for stepping in on {day}.",
      "It made a real difference and I know it wasn't convenient.",
      "I owe you one - let me know whenever I can return the favour.",
      "Coffee's on me next week!",
    ],
  },
  {
    asks: [
      "Write a complaint email to the store about my order, ask for a refund",
      "email to customer service, my order arrived damaged",
    ],
    subjects: ["Damaged order - refund request", "Problem with my recent order"],
    body: [
      "My order arrived on {day}, but the item inside was damaged.",
      "I've attached photos of the packaging and the product.",
      "I'd like a full refund, or a replacement if that's quicker.",
      "Please let me know how you'd like me to return the item.",
    ],
  },
  {
    asks: ["Write a resignation letter to my boss {to}", "resignation email to {to}, two weeks notice"],
    subjects: ["Resignation", "Notice of resignation"],
    body: [
      "Please accept this as formal notice of my resignation, with my last day being two weeks from {day}.",
      "I'm grateful for the opportunities I've had on the team.",
      "I'll do everything I can to hand over my work smoothly.",
      "I hope we stay in touch.",
    ],
  },
  {
    asks: ["Ask my old manager {to} for a reference", "email {to} asking to be a reference for a new job"],
    subjects: ["Reference request", "Would you be a reference?"],
    body: [
      "I'm applying for a new role and wondered if you'd be willing to act as a reference.",
      "I really valued working with you, and I think you know my work best.",
      "The recruiter may reach out around {day}.",
      "I'm happy to send over the job description and my updated CV.",
    ],
  },
  {
    asks: ["Reschedule my meeting with {to} to {day}", "email to move our call with {to}"],
    subjects: ["Rescheduling our meeting", "New time for our call"],
    body: [
      "Something has come up and I need to move our meeting.",
      "Would {day} at the same time work for you?",
      "If not, feel free to suggest a slot that suits you better.",
      "Sorry for the short notice, and thanks for being flexible.",
    ],
  },
  {
    asks: ["Apologize to {to} for replying late", "write a sorry-for-the-delay email to {to}"],
    subjects: ["Sorry for the delay", "Catching up"],
    body: [
      "Apologies for the slow reply - the last couple of weeks have been hectic.",
      "To answer your question: yes, that plan works for us.",
      "I'll send the updated figures by {day}.",
      "Thanks for your patience.",
    ],
  },
];

export const CITIES: readonly { city: string; sights: string[]; evenings: string[]; tips: string[] }[] = [
  {
    city: "Lisbon",
    sights: [
      "wander the Alfama district",
      "ride tram 28",
      "visit the Belém Tower",
      "try pastéis de nata in Belém",
      "see the view from Miradouro da Senhora do Monte",
      "explore LX Factory",
    ],
    evenings: ["fado in Alfama", "sunset drinks in Bairro Alto", "seafood dinner in Cais do Sodré"],
    tips: [
      "Wear comfortable shoes - it's hilly.",
      "Get a Viva Viagem card for transit.",
      "Book popular restaurants ahead on weekends.",
    ],
  },
  {
    city: "Tokyo",
    sights: [
      "visit Senso-ji in Asakusa",
      "stroll Meiji Shrine",
      "explore Shibuya Crossing",
      "eat at Tsukiji Outer Market",
      "see teamLab Planets",
      "walk around Yanaka",
    ],
    evenings: ["izakaya hopping in Shinjuku", "the view from Shibuya Sky", "ramen in Ebisu"],
    tips: ["Get a Suica or Pasmo card.", "Carry some cash.", "Trains stop around midnight."],
  },
  {
    city: "Mexico City",
    sights: [
      "see the murals at the Palacio Nacional",
      "visit the Museo Nacional de Antropología",
      "walk Chapultepec Park",
      "explore Coyoacán and the Frida Kahlo Museum",
      "ride a trajinera in Xochimilco",
      "browse Mercado de San Juan",
    ],
    evenings: ["tacos al pastor in Roma Norte", "mezcal in Condesa", "lucha libre at Arena México"],
    tips: [
      "Drink bottled water.",
      "Use rideshare apps at night.",
      "The altitude can tire you the first day.",
    ],
  },
  {
    city: "Rome",
    sights: [
      "tour the Colosseum",
      "see the Vatican Museums",
      "toss a coin in the Trevi Fountain",
      "walk through Trastevere",
      "visit the Pantheon",
      "explore the Roman Forum",
    ],
    evenings: ["cacio e pepe in Testaccio", "gelato by Piazza Navona", "aperitivo in Monti"],
    tips: [
      "Book the Vatican online.",
      "Fill your bottle at the nasoni fountains.",
      "Cover shoulders in churches.",
    ],
  },
  {
    city: "Seoul",
    sights: [
      "visit Gyeongbokgung Palace",
      "walk Bukchon Hanok Village",
      "shop in Myeongdong",
      "hike Namsan to N Seoul Tower",
      "browse Gwangjang Market",
      "explore Ikseon-dong",
    ],
    evenings: ["Korean BBQ in Mapo", "night market snacks at Dongdaemun", "a walk along the Han River"],
    tips: [
      "Get a T-money card.",
      "Naver Map works better than Google Maps.",
      "Many palaces close on Mondays or Tuesdays.",
    ],
  },
  {
    city: "Edinburgh",
    sights: [
      "tour Edinburgh Castle",
      "hike Arthur's Seat",
      "walk the Royal Mile",
      "visit the National Museum of Scotland",
      "explore Dean Village",
      "see Calton Hill",
    ],
    evenings: ["a pub in the Grassmarket", "a ghost tour in the Old Town", "dinner in Leith"],
    tips: [
      "Pack layers and a rain jacket.",
      "Book early during the August festivals.",
      "Most museums are free.",
    ],
  },
  {
    city: "Barcelona",
    sights: [
      "visit the Sagrada Família",
      "walk Park Güell",
      "explore the Gothic Quarter",
      "browse La Boqueria",
      "see Casa Batlló",
      "relax at Barceloneta beach",
    ],
    evenings: ["tapas in El Born", "a sunset at Bunkers del Carmel", "vermouth in Gràcia"],
    tips: [
      "Book Gaudí sites in advance.",
      "Watch for pickpockets on Las Ramblas.",
      "Dinner starts late, around 9pm.",
    ],
  },
  {
    city: "Cape Town",
    sights: [
      "take the cable car up Table Mountain",
      "visit Kirstenbosch Gardens",
      "see the penguins at Boulders Beach",
      "drive to Cape Point",
      "walk the Bo-Kaap",
      "visit Robben Island",
    ],
    evenings: ["dinner at the V&A Waterfront", "sundowners at Camps Bay", "live music on Long Street"],
    tips: [
      "Check the wind before the cable car.",
      "Use rideshare at night.",
      "Sunscreen - the sun is strong.",
    ],
  },
  {
    city: "Montreal",
    sights: [
      "explore Old Montreal",
      "hike Mount Royal",
      "visit Jean-Talon Market",
      "see the Notre-Dame Basilica",
      "walk the Plateau",
      "visit the Biodome",
    ],
    evenings: ["bagels at night in Mile End", "poutine and a show downtown", "a jazz bar"],
    tips: ["A little French goes a long way.", "The metro is easy.", "Winters are very cold - dress for it."],
  },
  {
    city: "Istanbul",
    sights: [
      "see the Hagia Sophia",
      "visit the Blue Mosque",
      "explore the Grand Bazaar",
      "take a Bosphorus ferry",
      "tour Topkapı Palace",
      "wander Balat",
    ],
    evenings: ["dinner in Karaköy", "tea by the Galata Tower", "meyhane in Beyoğlu"],
    tips: ["Get an Istanbulkart.", "Dress modestly in mosques.", "Ferries are cheap and scenic."],
  },
];

export const BRAND_A: readonly string[] = [
  "Nor",
  "Vel",
  "Quill",
  "Bram",
  "Ostra",
  "Lumi",
  "Kest",
  "Tarn",
  "Sola",
  "Brio",
  "Fenn",
  "Aster",
  "Mako",
  "Rune",
  "Pell",
  "Cindr",
];
export const BRAND_B: readonly string[] = [
  "wave",
  "tek",
  "ly",
  "craft",
  "forge",
  "nest",
  "peak",
  "line",
  "audio",
  "works",
  "vale",
  "gear",
];

export const PRODUCTS: readonly {
  name: string;
  base: number;
  models: string[];
  features: string[];
  advice: string[];
}[] = [
  {
    name: "wireless headphones",
    base: 50,
    models: ["Air 2", "Studio", "Go"],
    features: [
      "great noise cancelling",
      "30+ hour battery",
      "light and comfy for long wear",
      "good call quality",
    ],
    advice: [
      "Try them on if you can - fit matters.",
      "Check codec support for your phone.",
      "Replaceable ear pads extend their life.",
    ],
  },
  {
    name: "running shoes",
    base: 60,
    models: ["Stride", "Tempo 3", "Trail X"],
    features: ["plenty of cushioning", "light for tempo runs", "grippy outsole for trails", "wide toe box"],
    advice: [
      "Get fitted at a running store.",
      "Replace them every 500-800 km.",
      "Shop in the afternoon when feet are slightly swollen.",
    ],
  },
  {
    name: "a coffee grinder",
    base: 40,
    models: ["Burr One", "Mill S", "Pro 40"],
    features: ["consistent burr grind", "quiet motor", "easy to clean", "fine enough for espresso"],
    advice: [
      "Burr grinders beat blade grinders.",
      "Look for stepless adjustment if you make espresso.",
      "Check how easy the burrs are to remove.",
    ],
  },
  {
    name: "a standing desk",
    base: 150,
    models: ["Rise", "Duo", "Flex"],
    features: ["dual motors, stable at height", "memory presets", "solid warranty", "wide height range"],
    advice: [
      "Check the minimum and maximum height for your size.",
      "Dual motors wobble less.",
      "An anti-fatigue mat helps.",
    ],
  },
  {
    name: "a laptop backpack",
    base: 40,
    models: ["Commuter", "Nomad", "Daypack"],
    features: [
      "padded laptop sleeve",
      "water-resistant fabric",
      "luggage pass-through",
      "lots of organizer pockets",
    ],
    advice: [
      "Measure your laptop first.",
      "Padded straps matter for long commutes.",
      "Lighter is better for daily use.",
    ],
  },
  {
    name: "a blender",
    base: 50,
    models: ["Blend 500", "Nutri", "Power Pro"],
    features: [
      "crushes ice easily",
      "dishwasher-safe jug",
      "compact personal cups",
      "strong motor for nut butters",
    ],
    advice: [
      "Wattage isn't everything - blade design matters.",
      "Check the noise level.",
      "Look for a good warranty on the motor.",
    ],
  },
  {
    name: "a beginner acoustic guitar",
    base: 100,
    models: ["Folk 1", "Dread", "Parlor"],
    features: [
      "easy to play action",
      "solid top for better tone",
      "smaller body for comfort",
      "comes with a gig bag",
    ],
    advice: [
      "Get a setup done at a shop.",
      "Solid tops sound better as they age.",
      "Buy a tuner and spare strings.",
    ],
  },
  {
    name: "a robot vacuum",
    base: 150,
    models: ["Sweep S", "Nav 2", "Mini"],
    features: ["lidar mapping", "auto-empty base", "good on pet hair", "low profile fits under furniture"],
    advice: [
      "Check how it handles rugs.",
      "Replacement brushes should be easy to find.",
      "App-based no-go zones are handy.",
    ],
  },
  {
    name: "a tent for two people",
    base: 80,
    models: ["Trek 2", "Ridge", "Dome"],
    features: ["light enough for backpacking", "two doors", "quick setup", "full rain fly"],
    advice: [
      "Check packed weight.",
      "Practice setting it up at home.",
      "Look at the hydrostatic head rating for rain.",
    ],
  },
  {
    name: "a kids' tablet",
    base: 80,
    models: ["Junior", "Play 8", "Kid Pro"],
    features: ["rugged case", "strong parental controls", "good battery life", "bright screen"],
    advice: [
      "Check parental control options first.",
      "A case with a handle saves a lot of drops.",
      "Consider screen time limits from day one.",
    ],
  },
];

export const RECIPES: readonly {
  name: string;
  ingredients: [number, string, string][];
  steps: string[];
  notes: string[];
}[] = [
  {
    name: "tomato pasta",
    ingredients: [
      [100, "g", "spaghetti"],
      [1, "clove", "garlic"],
      [150, "g", "canned tomatoes"],
      [1, "tbsp", "olive oil"],
      [0.25, "tsp", "salt"],
    ],
    steps: [
      "Boil the pasta in salted water.",
      "Fry the garlic in oil for a minute.",
      "Add tomatoes and simmer 10 minutes.",
      "Toss the drained pasta in the sauce.",
    ],
    notes: ["Add chili flakes for heat.", "Finish with basil and parmesan."],
  },
  {
    name: "banana pancakes",
    ingredients: [
      [1, "", "ripe banana"],
      [1, "", "egg"],
      [40, "g", "flour"],
      [50, "ml", "milk"],
      [0.5, "tsp", "baking powder"],
    ],
    steps: [
      "Mash the banana.",
      "Whisk in the egg and milk.",
      "Fold in flour and baking powder.",
      "Cook small pancakes in a hot buttered pan, 2 minutes per side.",
    ],
    notes: ["Top with berries and yogurt.", "The batter keeps in the fridge for a day."],
  },
  {
    name: "chicken stir-fry",
    ingredients: [
      [150, "g", "chicken breast"],
      [1, "", "bell pepper"],
      [1, "tbsp", "soy sauce"],
      [1, "tsp", "ginger"],
      [75, "g", "rice"],
    ],
    steps: [
      "Cook the rice.",
      "Slice chicken thinly and stir-fry until golden.",
      "Add pepper and ginger for 3 minutes.",
      "Add soy sauce and serve over rice.",
    ],
    notes: ["Use tofu for a vegetarian version.", "A splash of sesame oil at the end adds flavour."],
  },
  {
    name: "lentil soup",
    ingredients: [
      [60, "g", "red lentils"],
      [0.5, "", "onion"],
      [1, "", "carrot"],
      [300, "ml", "vegetable stock"],
      [0.5, "tsp", "cumin"],
    ],
    steps: [
      "Soften onion and carrot in a pot.",
      "Add cumin and cook 1 minute.",
      "Add lentils and stock; simmer 20 minutes.",
      "Blend partly for a creamy texture.",
    ],
    notes: ["A squeeze of lemon brightens it.", "Freezes well."],
  },
  {
    name: "guacamole",
    ingredients: [
      [1, "", "avocado"],
      [0.25, "", "red onion"],
      [0.5, "", "lime"],
      [0.25, "", "tomato"],
      [0.25, "tsp", "salt"],
    ],
    steps: [
      "Mash the avocado.",
      "Finely chop onion and tomato.",
      "Mix everything with lime juice and salt.",
      "Taste and adjust.",
    ],
    notes: ["Press plastic wrap on the surface to stop browning.", "Add chopped cilantro if you like it."],
  },
  {
    name: "overnight oats",
    ingredients: [
      [50, "g", "rolled oats"],
      [120, "ml", "milk"],
      [60, "g", "yogurt"],
      [1, "tsp", "honey"],
      [1, "tbsp", "chia seeds"],
    ],
    steps: ["Mix everything in a jar.", "Refrigerate overnight.", "Stir in the morning and add fruit."],
    notes: ["Keeps for 3 days.", "Try peanut butter and banana."],
  },
  {
    name: "vegetable curry",
    ingredients: [
      [200, "g", "mixed vegetables"],
      [100, "ml", "coconut milk"],
      [1, "tbsp", "curry paste"],
      [0.5, "", "onion"],
      [75, "g", "rice"],
    ],
    steps: [
      "Fry onion until soft.",
      "Add curry paste for a minute.",
      "Add vegetables and coconut milk; simmer 15 minutes.",
      "Serve with rice.",
    ],
    notes: ["Add chickpeas for protein.", "Tastes even better the next day."],
  },
  {
    name: "chocolate chip cookies",
    ingredients: [
      [30, "g", "butter"],
      [25, "g", "brown sugar"],
      [40, "g", "flour"],
      [25, "g", "chocolate chips"],
      [0.25, "", "egg"],
    ],
    steps: [
      "Cream butter and sugar.",
      "Beat in the egg.",
      "Mix in flour, then chocolate.",
      "Bake at 180°C for 10-12 minutes.",
    ],
    notes: ["Chill the dough for thicker cookies.", "Sprinkle sea salt on top."],
  },
  {
    name: "greek salad",
    ingredients: [
      [1, "", "tomato"],
      [0.5, "", "cucumber"],
      [40, "g", "feta"],
      [6, "", "olives"],
      [1, "tbsp", "olive oil"],
    ],
    steps: [
      "Chop tomato and cucumber into chunks.",
      "Add olives and sliced onion if you like.",
      "Top with a slab of feta.",
      "Drizzle with oil and sprinkle oregano.",
    ],
    notes: ["Don't add salt until you taste - feta is salty.", "Great with grilled bread."],
  },
  {
    name: "shakshuka",
    ingredients: [
      [2, "", "eggs"],
      [200, "g", "canned tomatoes"],
      [0.5, "", "bell pepper"],
      [0.5, "tsp", "paprika"],
      [0.25, "tsp", "cumin"],
    ],
    steps: [
      "Soften pepper in a pan.",
      "Add spices and tomatoes; simmer 10 minutes.",
      "Make wells and crack in the eggs.",
      "Cover until whites are set.",
    ],
    notes: ["Serve with crusty bread.", "Add feta or harissa to change it up."],
  },
];

export const MEETING_FACTS: readonly (readonly [string, string])[] = [
  [
    "In the Monday meeting, {who} said the launch is moving from March to April because the payment integration isn't finished.",
    "Launch moved to April (payment integration delayed) - raised by {who}.",
  ],
  [
    "{who} reported that customer churn fell to 3.1% last quarter after the onboarding changes.",
    "Churn down to 3.1% after onboarding changes ({who}).",
  ],
  [
    "The team agreed that {who} will own the hiring plan for two new engineers.",
    "{who} owns hiring for two engineers.",
  ],
  [
    "Budget for the conference was approved at $12,000, with {who} handling bookings.",
    "Conference budget approved: $12k; {who} books.",
  ],
  [
    "{who} flagged that the office move will disrupt Wi-Fi on the 3rd and 4th.",
    "Wi-Fi disruption on the 3rd-4th due to the office move ({who}).",
  ],
  [
    "We decided to drop the mobile beta and focus on the web app for now, as {who} suggested.",
    "Mobile beta dropped; focus on web app ({who}'s suggestion).",
  ],
  ["{who} will send the updated design mockups by Thursday.", "Design mockups from {who} due Thursday."],
  [
    "The vendor contract renews in June, and {who} wants quotes from two alternatives first.",
    "Vendor contract renews in June; {who} to get two alternative quotes.",
  ],
  [
    "Support tickets rose 20% after the last release, mostly about login, according to {who}.",
    "Tickets +20% after release, mostly login issues ({who}).",
  ],
  ["{who} proposed moving standups to 10am, and everyone agreed.", "Standups move to 10am ({who})."],
  [
    "The quarterly review is postponed until {who} finishes the revenue analysis.",
    "Quarterly review postponed pending {who}'s revenue analysis.",
  ],
  [
    "{who} reminded everyone that expense reports are due on the 25th.",
    "Expense reports due the 25th (reminder from {who}).",
  ],
];

export const SUMMARY_ASKS: readonly string[] = [
  "Summarize these meeting notes in bullet points:",
  "Can you give me a quick summary of this?",
  "tl;dr this for me please",
  "Turn this into action items:",
  "Summarize for my boss who missed the meeting:",
  "Make this shorter:",
];

export const CHATS: readonly (readonly [string, string[]])[] = [
  [
    "I finally finished my first marathon!!",
    [
      "Congratulations!! That's a huge accomplishment - months of training paid off. How are your legs feeling? Take it easy for a few days, eat well, and enjoy the bragging rights. Do you already have your eye on another race?",
      "That's amazing, well done! 42 km is no joke. Make sure you rest, hydrate and maybe book a massage. What was the hardest part?",
    ],
  ],
  [
    "I'm so bored, any ideas?",
    [
      "A few ideas depending on your mood:\n\n- **Creative:** try a 20-minute sketch or write a short story from a random prompt.\n- **Active:** go for a walk somewhere you haven't been, or do a quick workout video.\n- **Chill:** start a new podcast or a classic film you've never seen.\n- **Useful:** clean out one drawer - weirdly satisfying.\n\nWant me to pick one for you?",
      "Boredom is sometimes your brain asking for something new! You could learn a card trick, cook something you've never made, call a friend you haven't talked to in a while, or start a puzzle. What do you usually enjoy?",
    ],
  ],
  [
    "got any good jokes? i need a laugh after today",
    [
      "Why don't scientists trust atoms? Because they make up everything. 😄",
      "I told my computer I needed a break, and it said: 'No problem - I'll go to sleep.'",
      "What do you call a fake noodle? An impasta.",
    ],
  ],
  [
    "I have a job interview tomorrow and I'm nervous",
    [
      "That's completely normal - nerves mean you care. A few things that help: prepare three stories that show your strengths, research the company for 20 minutes, lay out your clothes tonight, and get a good night's sleep. Tomorrow, arrive a little early and take a few slow breaths before you go in. You've got this! What's the role?",
      "Good luck! Try practising answers out loud tonight, especially 'tell me about yourself'. Prepare a couple of questions for them too. And remember, they invited you because they already think you might be a good fit.",
    ],
  ],
  [
    "what should i name my new puppy",
    [
      "Fun! Some ideas:\n\n- Classic: Max, Bella, Charlie, Daisy\n- Food-inspired: Biscuit, Mochi, Pepper, Nacho\n- Unusual: Juniper, Pixel, Waffles, Ziggy\n\nWhat breed is the puppy? I can suggest something that fits its personality.",
      "Congrats on the new pup! If it's fluffy: Cloud, Teddy or Marshmallow. If it's energetic: Rocket, Dash or Zoom. And if you want something dignified: Sir Barkley never fails.",
    ],
  ],
  [
    "is it weird to eat cereal for dinner",
    [
      "Not weird at all - lots of people do it! If you want to make it a bit more filling, add some fruit, nuts or yogurt. Cereal dinners are a time-honoured tradition of tired adults everywhere.",
      "Honestly, no judgement here. If it's a regular thing, maybe pick a cereal with some fibre and protein, but once in a while it's a perfectly fine dinner.",
    ],
  ],
  [
    "my friend forgot my birthday and im kinda hurt",
    [
      "That's understandable - it's natural to feel hurt when someone you care about forgets. It might help to remember that forgetting usually says more about how busy or scattered someone is than how much they value you. If it's bothering you, you could mention it lightly: 'Hey, I was a bit bummed you missed my birthday.' Most friends will feel bad and want to make it up to you.",
      "Sorry, that stings. Was it a close friend? Sometimes people genuinely lose track of dates, especially if birthdays aren't on social media. Being honest about it, without making it an accusation, usually clears the air.",
    ],
  ],
  [
    "Recommend me a book like The Martian",
    [
      "If you liked The Martian, try **Project Hail Mary** by the same author, Andy Weir - same humour and problem-solving. **Seveneves** by Neal Stephenson is more epic, and **The Long Way to a Small, Angry Planet** by Becky Chambers is warmer and character-driven.",
      "A few picks: *Artemis* (Andy Weir), *Red Rising* for something more action-heavy, or *Delta-v* by Daniel Suarez for near-future space engineering. Want something more or less technical?",
    ],
  ],
  [
    "how do i stop procrastinating",
    [
      "A few things that genuinely help:\n\n1. **Make the first step tiny** - 'open the document' rather than 'write the essay'.\n2. **Use a timer** - work for 25 minutes, then break.\n3. **Remove friction** - phone in another room, block distracting sites.\n4. **Be kind to yourself** - guilt tends to make procrastination worse.\n\nWhat are you putting off right now?",
      "Procrastination is often about avoiding an uncomfortable feeling, not laziness. Try the 'two-minute start': commit to just two minutes. Usually once you've started, it's easier to keep going.",
    ],
  ],
  [
    "whats a good houseplant that's hard to kill",
    [
      "Pothos, snake plants and ZZ plants are famously hard to kill. They handle low light and forgetful watering. Spider plants are another easy one, and they're safe for cats.",
      "Snake plant! It tolerates low light and only needs water every two or three weeks. ZZ plants and pothos are also very forgiving.",
    ],
  ],
  [
    "can you help me pick a movie for tonight",
    [
      "Sure! What mood are you in?\n\n- **Feel-good:** Paddington 2, The Grand Budapest Hotel\n- **Thriller:** Knives Out, Prisoners\n- **Sci-fi:** Arrival, Edge of Tomorrow\n- **Animated:** Spider-Man: Into the Spider-Verse\n\nTell me who you're watching with and I'll narrow it down.",
      "Happy to! Are you after something light, scary, emotional or mind-bending? And is it a solo night or with friends?",
    ],
  ],
  [
    "I just got dumped",
    [
      "I'm really sorry. That hurts, and it's okay to feel whatever you're feeling right now. Be gentle with yourself tonight - eat something, reach out to a friend, maybe watch something comforting. Do you want to talk about what happened?",
      "Oof, I'm sorry. Breakups can feel awful even when they're for the best. Give yourself time, lean on your friends, and try not to check their socials for a while. I'm here if you want to vent.",
    ],
  ],
  [
    "what's the difference between weather and climate",
    [
      "Weather is what's happening in the atmosphere right now or over a few days - rain, temperature, wind. Climate is the average pattern over decades. A cold day doesn't disprove a warming climate, just like one bad day doesn't define your whole year.",
    ],
  ],
  [
    "give me a fun fact",
    [
      "Octopuses have three hearts and blue blood.",
      "Honey never spoils - edible honey has been found in ancient Egyptian tombs.",
      "A group of flamingos is called a 'flamboyance'.",
    ],
  ],
  [
    "how do i make friends in a new city",
    [
      "Moving somewhere new can be lonely at first. Some things that work:\n\n- Join a regular activity - a climbing gym, a running club, a choir - so you see the same faces weekly.\n- Say yes to invitations, even ones you're unsure about.\n- Try apps like Meetup or Bumble BFF.\n- Volunteer, which gives you built-in conversation.\n\nIt usually takes a few months, so don't be discouraged early on.",
    ],
  ],
  [
    "are cats or dogs better",
    [
      "Diplomatically: it depends on your lifestyle! Dogs need more time, walks and attention but are very social. Cats are more independent and suit smaller spaces. Both are great - what's your situation?",
    ],
  ],
];

export const TRANSLATIONS: readonly (readonly [string, string[]])[] = [
  [
    "Translate 'Where is the train station?' into Spanish",
    [
      "**¿Dónde está la estación de tren?**\n\nIf you want to be extra polite: *Disculpe, ¿dónde está la estación de tren?*",
    ],
  ],
  [
    "How do you say 'thank you very much' in Japanese?",
    [
      "**ありがとうございます** (arigatou gozaimasu) is the polite form. With friends, just *arigatou* works. For extra emphasis: *doumo arigatou gozaimasu*.",
    ],
  ],
  [
    "translate to french: I would like a coffee, please",
    [
      "**Je voudrais un café, s'il vous plaît.**\n\nIn a café, *Un café, s'il vous plaît* is also perfectly natural.",
    ],
  ],
  [
    "What does 'carpe diem' mean?",
    [
      "It's Latin for **'seize the day'** - from the poet Horace. It means make the most of the present rather than putting things off.",
    ],
  ],
  [
    "Translate 'I'm allergic to peanuts' into German",
    [
      "**Ich bin allergisch gegen Erdnüsse.**\n\nIn a restaurant you might add: *Enthält das Gericht Erdnüsse?* - 'Does the dish contain peanuts?'",
    ],
  ],
  [
    "how do u say good morning in italian",
    ["**Buongiorno!** It works until about early afternoon; after that, *buonasera*."],
  ],
  [
    "Translate this to Portuguese: Can we meet tomorrow at noon?",
    [
      "**Podemos nos encontrar amanhã ao meio-dia?** (Brazilian Portuguese)\n\nIn European Portuguese: *Podemos encontrar-nos amanhã ao meio-dia?*",
    ],
  ],
  [
    "what's 'nice to meet you' in Korean",
    [
      "**만나서 반갑습니다** (mannaseo bangapseumnida) - polite. Casually: *만나서 반가워* (mannaseo bangawo).",
    ],
  ],
  [
    "Translate 'The meeting has been moved to Friday' into Spanish",
    ["**La reunión se ha cambiado al viernes.**\n\nAlternative: *Hemos movido la reunión al viernes.*"],
  ],
  [
    "How do I say 'excuse me' in Mandarin?",
    [
      "**不好意思** (bù hǎo yìsi) is the most common for getting attention or apologizing lightly. **请问** (qǐngwèn) is used before asking a question.",
    ],
  ],
  [
    "translate 'happy birthday my friend' to french",
    ["**Joyeux anniversaire, mon ami !** (to a male friend) or **mon amie** (to a female friend)."],
  ],
  [
    "What does 'schadenfreude' mean?",
    [
      "It's a German word for **pleasure at someone else's misfortune** - literally 'harm-joy'. English borrowed it because there isn't a single-word equivalent.",
    ],
  ],
];
