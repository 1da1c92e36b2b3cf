# De voorgedefinieerde beveiligingsvragen, op het id dat bij elke
# registratie wordt bewaard (domain::questions::PREDEFINED).
question-p01 = Hoe heette uw eerste huisdier?
question-p02 = In welke stad of welk dorp hebben uw ouders elkaar ontmoet?
question-p03 = Wat was de voornaam van uw eerste leidinggevende?
question-p04 = Hoe heette de straat waar u woonde toen u tien was?
question-p05 = Wat was het merk en model van uw eerste auto?
question-p06 = Wat is de voornaam van uw oudste neef of nicht?
question-p07 = Wat was uw bijnaam als kind?
question-p08 = Hoe heette uw eerste school?
question-p09 = In welke stad was uw eerste baan?
question-p10 = Wat was het eerste concert dat u bezocht?
question-p11 = Wat is de tweede voornaam van uw oudste broer of zus?
question-p12 = Hoe heette uw favoriete leraar of lerares?
question-p13 = Wat was als kind uw lievelingseten?
question-p14 = Hoe heette uw eerste knuffel of speelgoed?
question-p15 = In welke stad of welk dorp is uw moeder geboren?
question-p16 = In welke stad of welk dorp is uw vader geboren?
question-p17 = Wat was het eerste boek dat u zich herinnert te hebben gelezen?
question-p18 = Hoe heette het ziekenhuis waar u bent geboren?
question-p19 = Wat was als kind uw droombaan?
question-p20 = Hoe heet de plaats waar uw familie het vaakst op vakantie ging?
question-p21 = Hoe heette uw beste vriend of vriendin op de basisschool?
question-p22 = Wat was de eerste film die u in de bioscoop zag?
question-p23 = Wat was de achternaam van uw juf of meester in groep 3?
question-p24 = Wat was het eerste buitenland dat u bezocht?
