"""Credit repair (信用修复, issue 22; 云府 item 5): a listed debtor applies (on paper, registered by the court, or
online through the public credit page), the listing's court's bureau leader grants or refuses within a configurable
number of working days, and a granted repair deletes or suspends the listing ahead of its period, lifts its
restriction order, pushes the change and issues a 信用修复证明."""
